import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { AppError, toAppError } from '@/lib/errors';
import { CLIENT_IP_HEADER } from '@/lib/http/client-ip';
import { sendError } from './send-error';

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * Wraps the Next.js handler: waits until Next is prepared, stamps the peer address for rate
 * limits (replacing any client-sent value, so it cannot be forged), and logs API requests
 * by path only (query strings may carry credentials).
 */
export function createRequestHandler(opts: {
  ready: Promise<Handler>;
  trustProxy: boolean;
  log: Logger;
  /** Paths the custom server answers itself (the SSE stream), before Next.js. */
  routes?: Record<string, Handler>;
  /** Set on every response (server/http/security-headers.ts); pages get a script nonce. */
  headers?: (nonce?: string) => Record<string, string>;
}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    req.headers[CLIENT_IP_HEADER] = clientAddress(req, opts.trustProxy);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    // Next.js reads a page's script nonce from the request's CSP header: only this server sets it.
    delete req.headers['content-security-policy'];
    delete req.headers['content-security-policy-report-only'];
    if (opts.headers) {
      const nonce = isPage(path) ? randomBytes(16).toString('base64') : undefined;
      const headers = opts.headers(nonce);
      if (nonce) req.headers['content-security-policy'] = headers['Content-Security-Policy'];
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    }
    if (path.startsWith('/api/')) {
      res.once('finish', () => {
        opts.log.info({ method: req.method, path, status: res.statusCode, ms: Math.round(performance.now() - started) }, 'request');
      });
    }
    try {
      // Here, not in the route wrapper: Next.js drops a `__proto__` query key before any handler
      // runs, so the request would otherwise be answered as if it had not been sent.
      const polluting = path.startsWith('/api/') ? pollutingQueryKey(req.url ?? '') : undefined;
      if (polluting) throw new AppError('bad_request', `The query parameter "${polluting}" is not allowed.`);
      const own = opts.routes?.[path];
      const handle = own ?? (await opts.ready);
      await handle(req, res);
    } catch (err) {
      // Never the thrown error's own details: toAppError turns anything unknown into a generic 500.
      const appErr = toAppError(err);
      if (appErr.status >= 500) opts.log.error({ err, path }, 'unhandled request error');
      sendError(res, appErr);
    }
  };
}

function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

const POLLUTING_KEY = /(^|[[.])(__proto__|constructor|prototype)($|[[\].])/;

/** A query key that names a prototype (`__proto__`, `a[constructor]`, `prototype.x`…), if any. */
export function pollutingQueryKey(url: string): string | undefined {
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  for (const key of new URLSearchParams(url.slice(q + 1)).keys()) if (POLLUTING_KEY.test(key)) return key;
  return undefined;
}

/** A request Next.js answers with HTML (not the API, its assets or Socket.IO). */
function isPage(path: string): boolean {
  return !path.startsWith('/api/') && !path.startsWith('/_next/') && !path.startsWith('/socket.io/') && !/\.[a-z0-9]+$/i.test(path);
}
