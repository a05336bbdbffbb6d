import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { toAppError } from '@/lib/errors';
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
  /** Set on every response (server/http/security-headers.ts). */
  headers?: Record<string, string>;
}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    req.headers[CLIENT_IP_HEADER] = clientAddress(req, opts.trustProxy);
    for (const [name, value] of Object.entries(opts.headers ?? {})) res.setHeader(name, value);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/api/')) {
      res.once('finish', () => {
        opts.log.info({ method: req.method, path, status: res.statusCode, ms: Math.round(performance.now() - started) }, 'request');
      });
    }
    try {
      const own = opts.routes?.[path];
      const handle = own ?? (await opts.ready);
      await handle(req, res);
    } catch (err) {
      opts.log.error({ err, path }, 'unhandled request error');
      // Never the thrown error's own details: toAppError turns anything unknown into a generic 500.
      sendError(res, toAppError(err));
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
