'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useSWRConfig } from 'swr';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { useWorkspaceMembers } from '@/hooks/use-workspace-members';
import { apiRequest } from '@/lib/api/fetcher';
import { canManage } from '@/lib/auth/roles';
import { invitesKey } from '@/lib/client/inbox-keys';
import type { MembershipRole } from '@/lib/db/schema';
import { errorMessage } from '@/lib/errors';
import type { MemberView } from '@/lib/services/workspaces/list-members';
import { InviteForm } from './invite-form';
import { MemberRow } from './member-row';
import { PendingInvites } from './pending-invites';

interface MembersSectionProps {
  workspaceId: string;
  workspaceName: string;
  myRole: MembershipRole;
  meId: string;
}

/**
 * Settings → Members: who is in the workspace and their roles; owners and admins change roles,
 * remove people and invite by link; anyone may leave (except the only owner).
 */
export function MembersSection({ workspaceId, workspaceName, myRole, meId }: MembersSectionProps) {
  const router = useRouter();
  const { data, error, mutate } = useWorkspaceMembers(workspaceId);
  const { mutate: revalidate } = useSWRConfig();
  const [removing, setRemoving] = useState<MemberView | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const manager = canManage(myRole);
  const owners = data?.members.filter((m) => m.role === 'owner').length ?? 0;

  async function remove(member: MemberView) {
    await apiRequest('DELETE', `/api/v1/workspaces/${workspaceId}/members/${member.userId}`);
    if (member.userId === meId) {
      // Gone from this workspace: show another one.
      router.push('/dashboard');
      router.refresh();
      return;
    }
    await mutate((current) => current && { members: current.members.filter((m) => m.userId !== member.userId) }, { revalidate: false });
    setAnnouncement(`${member.name} was removed.`);
  }

  const leaving = removing?.userId === meId;
  return (
    <section className="card" aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      {!data ? (
        error ? (
          <div className="alert alert--error" role="alert">
            {errorMessage(error, 'Could not load the members.')}{' '}
            <button type="button" className="button button--secondary" onClick={() => void mutate()}>
              Retry
            </button>
          </div>
        ) : (
          <p className="muted" role="status">
            Loading members…
          </p>
        )
      ) : (
        <table className="members" aria-labelledby="members-heading">
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Role</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.members.map((m) => (
              <MemberRow
                key={m.userId}
                workspaceId={workspaceId}
                member={m}
                myRole={myRole}
                isMe={m.userId === meId}
                onlyOwner={m.role === 'owner' && owners === 1}
                onChanged={() => {
                  void mutate();
                  // My own role changed: every role-dependent view follows (membership_changed too).
                  if (m.userId === meId) router.refresh();
                }}
                onRemove={setRemoving}
              />
            ))}
          </tbody>
        </table>
      )}
      {manager ? null : <p className="muted">Owners and admins invite people and change roles.</p>}
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>

      {manager ? (
        <>
          <InviteForm workspaceId={workspaceId} onCreated={() => void revalidate(invitesKey(workspaceId))} />
          <PendingInvites workspaceId={workspaceId} />
        </>
      ) : null}

      <ConfirmDialog
        open={removing !== null}
        title={leaving ? `Leave ${workspaceName}?` : `Remove ${removing?.name ?? ''}?`}
        confirmLabel={leaving ? 'Leave workspace' : 'Remove member'}
        destructive
        onConfirm={() => (removing ? remove(removing) : undefined)}
        onClose={() => setRemoving(null)}
      >
        {leaving ? (
          <p>You lose access to its bots and conversations at once, in every open tab. An owner or admin can invite you again.</p>
        ) : (
          <p>
            {removing?.name} loses access to {workspaceName} at once, in every open tab. Conversations assigned to them go back to unassigned.
          </p>
        )}
      </ConfirmDialog>
    </section>
  );
}
