import { workspaceIdFrom } from '@/lib/api/params';
import { json, withSession } from '@/lib/api/with-route';
import { listMembers } from '@/lib/services/workspaces/list-members';

export const GET = withSession<undefined, undefined, { workspaceId: string }>({}, async ({ params, principal }) =>
  json(await listMembers({ principal, workspaceId: workspaceIdFrom(params) })),
);
