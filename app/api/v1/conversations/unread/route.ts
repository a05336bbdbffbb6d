import { json, withSession } from '@/lib/api/with-route';
import { getUnreadSummary } from '@/lib/services/conversations/get-unread-summary';
import { workspaceScopeQuery, type WorkspaceScopeQuery } from '@/lib/validation/workspace';

export const GET = withSession<undefined, WorkspaceScopeQuery>({ query: workspaceScopeQuery }, async ({ query, principal }) =>
  json(await getUnreadSummary({ principal, workspaceId: query.workspaceId })),
);
