import { jsonWithEtag } from '@/lib/api/etag';
import { botIdFrom } from '@/lib/api/params';
import { json, withSession } from '@/lib/api/with-route';
import { BOT_WRITE_PER_USER } from '@/lib/rate-limit/rules';
import { deleteBot } from '@/lib/services/bots/delete-bot';
import { getBot } from '@/lib/services/bots/get-bot';
import { updateBot } from '@/lib/services/bots/update-bot';
import { updateBotBody, type UpdateBotInput } from '@/lib/validation/bot';

type Params = { botId: string };
const writeLimit = [{ rule: BOT_WRITE_PER_USER, key: ({ principal }: { principal: { userId: string } }) => principal.userId }];

export const GET = withSession<undefined, undefined, Params>({}, async ({ req, params, principal }) =>
  jsonWithEtag(req, await getBot({ principal, botId: botIdFrom(params) })),
);

export const PATCH = withSession<UpdateBotInput, undefined, Params>(
  { body: updateBotBody, rateLimit: writeLimit },
  async ({ body, params, principal }) => json(await updateBot({ principal, botId: botIdFrom(params), input: body })),
);

export const DELETE = withSession<undefined, undefined, Params>({ rateLimit: writeLimit }, async ({ params, principal }) => {
  await deleteBot({ principal, botId: botIdFrom(params) });
  return new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } });
});
