import { botIdFrom } from '@/lib/api/params';
import { json, withSession } from '@/lib/api/with-route';
import { SIMULATOR_PER_USER } from '@/lib/rate-limit/rules';
import { readOutbox } from '@/lib/services/simulator/read-outbox';
import { sendSimulatedMessage } from '@/lib/services/simulator/send-simulated-message';
import { simulatorMessageBody } from '@/lib/validation/simulator';

type Body = { from: string; name?: string; text: string };

export const POST = withSession<Body, undefined, { botId: string }>(
  { body: simulatorMessageBody, rateLimit: [{ rule: SIMULATOR_PER_USER, key: ({ principal }) => principal.userId }] },
  async ({ body, params, principal }) =>
    json(await sendSimulatedMessage({ principal, botId: botIdFrom(params), message: body }), { status: 202 }),
);

/** What the contacts received from the bot (its replies and agents' messages). */
export const GET = withSession<undefined, undefined, { botId: string }>({}, async ({ params, principal }) =>
  json(await readOutbox({ principal, botId: botIdFrom(params) })),
);
