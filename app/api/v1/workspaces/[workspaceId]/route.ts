import { workspaceIdFrom } from '@/lib/api/params';
import { json, withSession } from '@/lib/api/with-route';
import { renameWorkspace } from '@/lib/services/workspaces/rename-workspace';
import { renameWorkspaceBody } from '@/lib/validation/workspace';

export const PATCH = withSession<{ name: string }, undefined, { workspaceId: string }>(
  { body: renameWorkspaceBody },
  async ({ body, params, principal }) => json(await renameWorkspace({ principal, workspaceId: workspaceIdFrom(params), name: body.name })),
);
