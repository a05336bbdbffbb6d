import { jsonWithEtag } from '@/lib/api/etag';
import { json, withSession } from '@/lib/api/with-route';
import { BOT_WRITE_PER_USER } from '@/lib/rate-limit/rules';
import { createBot } from '@/lib/services/bots/create-bot';
import { listBots } from '@/lib/services/bots/list-bots';
import { createBotBody, type CreateBotInput } from '@/lib/validation/bot';
import { workspaceScopeQuery, type WorkspaceScopeQuery } from '@/lib/validation/workspace';

// ETag: the dashboard's slow poll (socket down) costs a 304 when nothing changed.
export const GET = withSession<undefined, WorkspaceScopeQuery>({ query: workspaceScopeQuery }, async ({ req, query, principal }) =>
  jsonWithEtag(req, { bots: await listBots({ principal, workspaceId: query.workspaceId }) }),
);

export const POST = withSession<CreateBotInput>(
  { body: createBotBody, rateLimit: [{ rule: BOT_WRITE_PER_USER, key: ({ principal }) => principal.userId }] },
  async ({ body, principal }) => json(await createBot({ principal, input: body }), { status: 201 }),
);
