'use client';

import useSWR from 'swr';
import { invitesKey } from '@/lib/client/inbox-keys';
import type { InviteView } from '@/lib/services/invites/views';

/** Pending invitations of a workspace; only owners and admins may read them (`enabled`). */
export function useInvites(workspaceId: string, enabled: boolean) {
  return useSWR<{ invites: InviteView[] }>(enabled ? invitesKey(workspaceId) : null);
}
