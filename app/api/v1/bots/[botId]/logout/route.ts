import { botIdFrom } from '@/lib/api/params';
import { json, withSession } from '@/lib/api/with-route';
import { SESSION_CONTROL_PER_USER } from '@/lib/rate-limit/rules';
import { logoutBot } from '@/lib/services/bots/logout-bot';

export const POST = withSession<undefined, undefined, { botId: string }>(
  { rateLimit: [{ rule: SESSION_CONTROL_PER_USER, key: ({ principal }) => principal.userId }] },
  async ({ params, principal }) => json(await logoutBot({ principal, botId: botIdFrom(params) })),
);
