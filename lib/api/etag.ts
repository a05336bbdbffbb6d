import { createHash } from 'node:crypto';

/**
 * JSON with a strong ETag; a matching `If-None-Match` gets a 304 with no body. Used by the
 * reads that the polling fallback repeats (DESIGN section 3), so an unchanged poll is nearly free.
 * Private: these bodies are per-user (a session snapshot can hold a QR code).
 */
export function jsonWithEtag(req: Request, data: unknown): Response {
  const body = JSON.stringify(data);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const headers = { etag, 'cache-control': 'private, no-cache', vary: 'cookie, authorization' };
  if (ifNoneMatch(req.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers });
  return new Response(body, { status: 200, headers: { ...headers, 'content-type': 'application/json' } });
}

/**
 * If-None-Match uses the weak comparison (RFC 9110 §13.1.2): `W/"x"` matches `"x"`. Proxies that
 * compress responses (nginx gzip) weaken our strong tags, and the browser sends them back so.
 */
function ifNoneMatch(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}
