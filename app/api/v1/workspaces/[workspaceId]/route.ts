import { json, withSession } from '@/lib/api/with-route';
import { AppError } from '@/lib/errors';
import { renameWorkspace } from '@/lib/services/workspaces/rename-workspace';
import { renameWorkspaceBody, workspaceIdParam } from '@/lib/validation/workspace';

export const PATCH = withSession<{ name: string }, undefined, { workspaceId: string }>(
  { body: renameWorkspaceBody },
  async ({ body, params, principal }) => {
    const id = workspaceIdParam.safeParse(params.workspaceId);
    if (!id.success) throw new AppError('not_found', 'Workspace not found.');
    return json(await renameWorkspace({ principal, workspaceId: id.data, name: body.name }));
  },
);
