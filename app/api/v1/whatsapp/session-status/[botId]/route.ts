import { jsonWithEtag } from '@/lib/api/etag';
import { botIdFrom } from '@/lib/api/params';
import { withSession } from '@/lib/api/with-route';
import { SESSION_STATUS_PER_USER } from '@/lib/rate-limit/rules';
import { getSessionSnapshot } from '@/lib/services/bots/get-session-snapshot';

/** The polling fallback (DESIGN section 3): used only while the socket is down. */
export const GET = withSession<undefined, undefined, { botId: string }>(
  { rateLimit: [{ rule: SESSION_STATUS_PER_USER, key: ({ principal }) => principal.userId }] },
  async ({ req, params, principal }) => jsonWithEtag(req, await getSessionSnapshot({ principal, botId: botIdFrom(params) })),
);
