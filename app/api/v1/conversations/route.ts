import { json, withSession } from '@/lib/api/with-route';
import { listConversations } from '@/lib/services/conversations/list-conversations';
import { listConversationsQuery, type ListConversationsQuery } from '@/lib/validation/conversation';

export const GET = withSession<undefined, ListConversationsQuery>({ query: listConversationsQuery }, async ({ query, principal }) =>
  json(await listConversations({ principal, query })),
);
