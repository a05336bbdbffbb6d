import { inviteIdFrom, workspaceIdFrom } from '@/lib/api/params';
import { withSession } from '@/lib/api/with-route';
import { MEMBER_WRITE_PER_USER } from '@/lib/rate-limit/rules';
import { revokeInvite } from '@/lib/services/invites/revoke-invite';

/** Revoke a pending invitation: its link stops working. */
export const DELETE = withSession<undefined, undefined, { workspaceId: string; inviteId: string }>(
  { rateLimit: [{ rule: MEMBER_WRITE_PER_USER, key: ({ principal }) => principal.userId }] },
  async ({ params, principal }) => {
    await revokeInvite({ principal, workspaceId: workspaceIdFrom(params), inviteId: inviteIdFrom(params) });
    return new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } });
  },
);
