import { workspaceIdFrom } from '@/lib/api/params';
import { json, withSession } from '@/lib/api/with-route';
import { invitePath } from '@/lib/auth/invite-token';
import { requireManager } from '@/lib/auth/require-role';
import { AppError } from '@/lib/errors';
import { rateLimiter } from '@/lib/rate-limit/rate-limiter';
import { INVITE_CREATE_PER_USER, INVITE_CREATE_PER_WORKSPACE } from '@/lib/rate-limit/rules';
import { createInvite } from '@/lib/services/invites/create-invite';
import { listInvites } from '@/lib/services/invites/list-invites';
import { inviteBody, type InviteInput } from '@/lib/validation/workspace';

type Params = { workspaceId: string };

export const GET = withSession<undefined, undefined, Params>({}, async ({ params, principal }) =>
  json(await listInvites({ principal, workspaceId: workspaceIdFrom(params) })),
);

/**
 * Creates an invitation and answers with its link, once: Parley sends no email, the inviter copies
 * the link to the invitee. The token is in this response only (never logged, never stored).
 */
export const POST = withSession<InviteInput, undefined, Params>(
  {
    body: inviteBody,
    rateLimit: [{ rule: INVITE_CREATE_PER_USER, key: ({ principal }) => principal.userId }],
  },
  async ({ req, body, params, principal }) => {
    const workspaceId = workspaceIdFrom(params);
    // Per workspace too, once the caller may invite there (so outsiders cannot spend it):
    // several admins cannot multiply the budget.
    requireManager(principal, workspaceId, 'invite people');
    const limited = await rateLimiter().consume(INVITE_CREATE_PER_WORKSPACE, workspaceId);
    if (!limited.ok) {
      throw new AppError('rate_limited', `Too many invitations from this workspace. Try again in ${limited.retryAfter} s.`, { retryAfter: limited.retryAfter });
    }
    const { invite, token } = await createInvite({ principal, workspaceId, input: body });
    const path = invitePath(token);
    return json({ invite, path, url: new URL(path, req.url).toString() }, { status: 201 });
  },
);
