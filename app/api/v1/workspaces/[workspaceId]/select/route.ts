import { workspaceIdFrom } from '@/lib/api/params';
import { json, withSession } from '@/lib/api/with-route';
import { serializeWorkspaceCookie } from '@/lib/auth/workspace-cookie';
import { selectWorkspace } from '@/lib/services/workspaces/select-workspace';

/** The header's workspace switcher: remembers the choice in a cookie (members only). */
export const POST = withSession<undefined, undefined, { workspaceId: string }>({}, async ({ params, principal }) => {
  const workspace = await selectWorkspace({ principal, workspaceId: workspaceIdFrom(params) });
  return json(workspace, { headers: { 'set-cookie': serializeWorkspaceCookie(workspace.id) } });
});
