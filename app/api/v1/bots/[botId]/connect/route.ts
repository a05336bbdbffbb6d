import { botIdFrom } from '@/lib/api/params';
import { json, withSession } from '@/lib/api/with-route';
import { SESSION_CONTROL_PER_USER } from '@/lib/rate-limit/rules';
import { connectBot } from '@/lib/services/bots/connect-bot';
import { connectBotBody, type ConnectBotInput } from '@/lib/validation/bot';

/** Starts linking; answers 202 with the snapshot, and the QR arrives on `session:{botId}`. */
export const POST = withSession<ConnectBotInput, undefined, { botId: string }>(
  { body: connectBotBody, rateLimit: [{ rule: SESSION_CONTROL_PER_USER, key: ({ principal }) => principal.userId }] },
  async ({ body, params, principal }) => json(await connectBot({ principal, botId: botIdFrom(params), input: body }), { status: 202 }),
);
