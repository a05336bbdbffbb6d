'use client';

import useSWR from 'swr';
import { membersKey } from '@/lib/client/inbox-keys';
import type { MemberView } from '@/lib/services/workspaces/list-members';

/**
 * A workspace's members with their roles (Settings → Members). Refetched when the team changes
 * (`members_changed`, components/shell/membership-sync.tsx) and after this tab's own changes.
 */
export function useWorkspaceMembers(workspaceId: string) {
  return useSWR<{ members: MemberView[] }>(membersKey(workspaceId));
}
