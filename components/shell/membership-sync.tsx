'use client';

import { usePathname, useRouter } from 'next/navigation';
import { useState } from 'react';
import { useSWRConfig } from 'swr';
import { useSocketEvent } from '@/hooks/use-socket-event';
import { useWorkspaces } from '@/hooks/use-workspace';
import { invitesKey, membersKey } from '@/lib/client/inbox-keys';
import { ROLE_LABEL } from '@/lib/auth/roles';
import type { MembershipChangedPayload } from '@/lib/realtime/events';

function noticeFor(p: MembershipChangedPayload): string {
  const name = p.workspaceName || 'a workspace';
  switch (p.reason) {
    case 'added':
      return `You joined ${name}.`;
    case 'left':
      return `You left ${name}.`;
    case 'removed':
      return `You were removed from ${name}.`;
    default:
      return p.role ? `Your role in ${name} is now ${ROLE_LABEL[p.role]}.` : `You no longer have access to ${name}.`;
  }
}

/**
 * Follows the user's own membership changes in every open tab. The server has already moved
 * this tab's socket (rooms, permissions); here the server-rendered layout is refreshed so the
 * switcher, the active workspace and every role-dependent control match, and the user is told.
 * Also refetches open member lists when the team changes.
 */
export function MembershipSync() {
  const router = useRouter();
  const pathname = usePathname();
  const state = useWorkspaces();
  const { mutate } = useSWRConfig();
  const [notice, setNotice] = useState('');

  useSocketEvent('membership_changed', (p) => {
    setNotice(noticeFor(p));
    if (p.role === null && p.workspaceId === state?.active?.id) {
      // What is on screen belongs to a workspace this user can no longer read.
      if (pathname.startsWith('/inbox/')) router.push('/inbox');
      else if (pathname.startsWith('/bots/')) router.push('/dashboard');
    }
    router.refresh();
    void mutate(membersKey(p.workspaceId));
  });

  useSocketEvent('members_changed', (p) => {
    void mutate(membersKey(p.workspaceId));
    void mutate(invitesKey(p.workspaceId));
  });

  return (
    <div className={notice ? 'notice' : 'visually-hidden'} role="status" data-testid="membership-notice">
      {notice ? (
        <>
          <span>{notice}</span>
          <button type="button" className="button button--ghost" onClick={() => setNotice('')}>
            Dismiss
          </button>
        </>
      ) : null}
    </div>
  );
}
