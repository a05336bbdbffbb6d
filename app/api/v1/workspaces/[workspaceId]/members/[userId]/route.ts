import { userIdFrom, workspaceIdFrom } from '@/lib/api/params';
import { json, withSession } from '@/lib/api/with-route';
import { MEMBER_WRITE_PER_USER } from '@/lib/rate-limit/rules';
import { changeMemberRole } from '@/lib/services/workspaces/change-member-role';
import { removeMember } from '@/lib/services/workspaces/remove-member';
import { changeRoleBody, type ChangeRoleInput } from '@/lib/validation/workspace';

type Params = { workspaceId: string; userId: string };
const limit = [{ rule: MEMBER_WRITE_PER_USER, key: ({ principal }: { principal: { userId: string } }) => principal.userId }];

/** Change a member's role (owners and admins; see lib/auth/roles.ts for who may give what). */
export const PATCH = withSession<ChangeRoleInput, undefined, Params>({ body: changeRoleBody, rateLimit: limit }, async ({ body, params, principal }) =>
  json(await changeMemberRole({ principal, workspaceId: workspaceIdFrom(params), userId: userIdFrom(params), role: body.role })),
);

/** Remove a member, or leave (your own user id). */
export const DELETE = withSession<undefined, undefined, Params>({ rateLimit: limit }, async ({ params, principal }) => {
  await removeMember({ principal, workspaceId: workspaceIdFrom(params), userId: userIdFrom(params) });
  return new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } });
});
