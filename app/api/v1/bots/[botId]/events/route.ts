import { jsonWithEtag } from '@/lib/api/etag';
import { botIdFrom } from '@/lib/api/params';
import { withSession } from '@/lib/api/with-route';
import { listSessionEvents } from '@/lib/services/bots/list-session-events';
import { sessionEventsQuery } from '@/lib/validation/bot';

type Query = { limit: number; before?: number };

export const GET = withSession<undefined, Query, { botId: string }>({ query: sessionEventsQuery }, async ({ req, query, params, principal }) =>
  jsonWithEtag(req, await listSessionEvents({ principal, botId: botIdFrom(params), ...query })),
);
