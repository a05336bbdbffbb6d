import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { authenticate, bearerToken } from '@/lib/auth/authenticate';
import { AppError, toAppError } from '@/lib/errors';
import { compact, nowIso, type SessionSnapshot } from '@/lib/realtime/events';
import { rateLimiter } from '@/lib/rate-limit/rate-limiter';
import { SSE_OPEN_PER_USER } from '@/lib/rate-limit/rules';
import { findBot } from '@/lib/services/bots/find-bot';
import { botIdParam } from '@/lib/validation/bot';
import { sessionControl } from '@/lib/whatsapp/session-control';
import { sendError } from '../http/send-error';
import type { SseBroker, SseData, SseEvent } from './sse-hub';

export const SSE_PATH = '/api/v1/whatsapp/connection-events';

/** A client that stops reading is cut off rather than buffered without bound. */
const MAX_PENDING_BYTES = 1_000_000;
const MAX_STREAMS_PER_USER = 10;

/**
 * GET /api/v1/whatsapp/connection-events?botId= — served by the custom server itself (not a
 * Next route) so that nothing between the hub and the socket buffers or compresses the stream.
 */
export function createSseHandler(opts: { hub: SseBroker; heartbeatMs: number; log: Logger }) {
  const openPerUser = new Map<string, number>();

  return async function handleSse(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const log = opts.log;
    try {
      if (req.method !== 'GET') {
        res.setHeader('allow', 'GET');
        throw new AppError('method_not_allowed', 'Use GET.');
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      const token = bearerToken(req.headers.authorization);
      const principal = await authenticate({ cookieHeader: req.headers.cookie, token });
      if (!principal) throw new AppError('unauthorized', 'Sign in to continue.');
      const botId = botIdParam.safeParse(url.searchParams.get('botId'));
      if (!botId.success) throw new AppError('validation_failed', 'botId must be a bot id.');
      // The stream carries QR codes (credentials): owners and admins only, like `subscribe_session`.
      const bot = await findBot({ principal, botId: botId.data, manage: true, action: 'watch a bot’s WhatsApp session (it carries QR codes)' });

      const limited = await rateLimiter().consume(SSE_OPEN_PER_USER, principal.userId);
      if (!limited.ok) throw new AppError('rate_limited', `Too many streams opened. Try again in ${limited.retryAfter} s.`, { retryAfter: limited.retryAfter });
      if ((openPerUser.get(principal.userId) ?? 0) >= MAX_STREAMS_PER_USER) {
        throw new AppError('rate_limited', `At most ${MAX_STREAMS_PER_USER} event streams per user.`, { retryAfter: 5 });
      }

      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      });
      res.flushHeaders();
      req.socket.setNoDelay(true);
      req.socket.setKeepAlive(true);

      const userId = principal.userId;
      const write = (chunk: string) => {
        if (res.destroyed) return;
        res.write(chunk);
        if (res.writableLength > MAX_PENDING_BYTES) {
          log.warn({ botId: bot.id }, 'SSE client is not reading; closing its stream');
          res.destroy();
        }
      };
      const send = (event: SseEvent) => write(frame(event.id, { ...event.data, userId }));

      write('retry: 3000\n\n');
      // Replay what a reconnecting client missed, or start from the current state (asked of the
      // node running the session); live events that arrive meanwhile follow, none twice.
      const lastHeader = req.headers['last-event-id'] ?? url.searchParams.get('lastEventId') ?? undefined;
      const lastId = Number(Array.isArray(lastHeader) ? lastHeader[0] : lastHeader);
      const resumeFrom = Number.isInteger(lastId) && lastId >= 0 && lastHeader !== undefined ? lastId : null;
      openPerUser.set(userId, (openPerUser.get(userId) ?? 0) + 1);
      let unsubscribe: () => void = () => {};
      let opened = false;
      const opening = opts.hub
        .open(bot.id, { send, close: () => res.end(), userId, workspaceId: bot.workspaceId }, resumeFrom, async () => snapshotData(await sessionControl().liveSnapshot(bot)))
        .then((off) => {
          opened = true;
          if (closed) off();
          else unsubscribe = off;
        });
      const heartbeat = setInterval(() => write(`: heartbeat ${Date.now()}\n\n`), opts.heartbeatMs);
      // A token authorizes the stream only until it expires; EventSource reconnects with a new one.
      const expiry = principal.expiresAt
        ? setTimeout(() => res.end(), Math.max(0, Math.min(principal.expiresAt.getTime() - Date.now(), 2 ** 31 - 1)))
        : undefined;

      let closed = false;
      const cleanup = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        clearTimeout(expiry);
        if (opened) unsubscribe();
        const n = (openPerUser.get(userId) ?? 1) - 1;
        if (n > 0) openPerUser.set(userId, n);
        else openPerUser.delete(userId);
        log.debug({ botId: bot.id }, 'SSE stream closed');
      };
      res.once('close', cleanup);
      req.once('close', () => {
        if (!res.writableEnded) res.end();
        cleanup();
      });
      await opening.catch((err: unknown) => {
        // Headers are out: end the stream; EventSource reconnects (and gets a snapshot).
        log.warn({ err, botId: bot.id }, 'opening an SSE stream failed');
        res.end();
      });
    } catch (err) {
      const appErr = toAppError(err);
      if (appErr.status >= 500) log.error({ err }, 'SSE request failed');
      sendError(res, appErr);
    }
  };
}

function frame(id: number | undefined, data: SseData & { userId: string }): string {
  // No id: the client's Last-Event-ID stays on the last numbered event (see SseEvent).
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

function snapshotData(s: SessionSnapshot): SseData {
  const type = s.status === 'CONNECTED' ? 'connected' : s.status === 'QR_REQUIRED' && s.qrCode ? 'qr_updated' : 'status';
  return compact({
    type,
    botId: s.botId,
    sessionId: s.sessionId,
    status: s.status,
    phoneNumber: s.phoneNumber,
    displayName: s.displayName,
    qrCode: s.qrCode,
    timestamp: nowIso(),
  });
}
