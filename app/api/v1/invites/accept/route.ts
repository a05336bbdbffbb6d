import { json, withSession } from '@/lib/api/with-route';
import { serializeWorkspaceCookie } from '@/lib/auth/workspace-cookie';
import { INVITE_ACCEPT_PER_USER } from '@/lib/rate-limit/rules';
import { acceptInvite } from '@/lib/services/invites/accept-invite';
import { acceptInviteBody, type AcceptInviteInput } from '@/lib/validation/workspace';

/**
 * Accept an invitation as the signed-in user. The token travels in the body (request paths are
 * logged). Joining also selects the new workspace, so the next page shows it.
 */
export const POST = withSession<AcceptInviteInput>(
  { body: acceptInviteBody, rateLimit: [{ rule: INVITE_ACCEPT_PER_USER, key: ({ principal }) => principal.userId }] },
  async ({ body, principal }) => {
    const result = await acceptInvite({ principal, token: body.token });
    return json(result, { headers: { 'set-cookie': serializeWorkspaceCookie(result.workspace.id) } });
  },
);
