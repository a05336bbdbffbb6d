import { botIdFrom } from '@/lib/api/params';
import { json, withSession } from '@/lib/api/with-route';
import { listSessionEvents } from '@/lib/services/bots/list-session-events';
import { sessionEventsQuery } from '@/lib/validation/bot';

type Query = { limit: number; before?: number };

export const GET = withSession<undefined, Query, { botId: string }>({ query: sessionEventsQuery }, async ({ query, params, principal }) =>
  json(await listSessionEvents({ principal, botId: botIdFrom(params), ...query })),
);
