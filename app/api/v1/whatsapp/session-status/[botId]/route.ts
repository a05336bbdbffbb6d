import { createHash } from 'node:crypto';
import { botIdFrom } from '@/lib/api/params';
import { withSession } from '@/lib/api/with-route';
import { SESSION_STATUS_PER_USER } from '@/lib/rate-limit/rules';
import { getSessionSnapshot } from '@/lib/services/bots/get-session-snapshot';

/**
 * The polling fallback (DESIGN section 3): used only while the socket is down. A strong ETag
 * over the snapshot lets an unchanged status cost a 304 with no body.
 */
export const GET = withSession<undefined, undefined, { botId: string }>(
  { rateLimit: [{ rule: SESSION_STATUS_PER_USER, key: ({ principal }) => principal.userId }] },
  async ({ req, params, principal }) => {
    const snapshot = await getSessionSnapshot({ principal, botId: botIdFrom(params) });
    const body = JSON.stringify(snapshot);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    // Private: the snapshot can hold a QR code, so no shared cache may keep it.
    const headers = { etag, 'cache-control': 'private, no-cache', vary: 'cookie, authorization' };
    if (ifNoneMatch(req.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers });
    return new Response(body, { status: 200, headers: { ...headers, 'content-type': 'application/json' } });
  },
);

function ifNoneMatch(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => t.trim() === etag || t.trim() === '*');
}
