import type { Logger } from 'pino';
import type { ZodType } from 'zod';
import { AppError, toAppError } from '@/lib/errors';
import { rooms, type Ack, type ClientToServerEvents } from '@/lib/realtime/events';
import { connectBot } from '@/lib/services/bots/connect-bot';
import { findBot } from '@/lib/services/bots/find-bot';
import { logoutBot } from '@/lib/services/bots/logout-bot';
import { botIdPayload, connectPayload } from '@/lib/validation/bot';
import { sessionControl } from '@/lib/whatsapp/session-control';
import type { ParleySocket } from './create-realtime-server';

// Client→server session events (DESIGN section 2). Each validates its input with zod, answers
// through the ack, and never throws into Socket.IO: malformed input gets an error ack.

const WINDOW_MS = 10_000;
const MAX_EVENTS_PER_WINDOW = 30;
const MAX_SESSION_ROOMS = 50;

export function registerSessionHandlers(socket: ParleySocket, log: Logger): void {
  const { principal } = socket.data;
  let windowStart = Date.now();
  let count = 0;
  const allow = () => {
    const now = Date.now();
    if (now - windowStart >= WINDOW_MS) {
      windowStart = now;
      count = 0;
    }
    return ++count <= MAX_EVENTS_PER_WINDOW;
  };

  function on<E extends keyof ClientToServerEvents, I, R>(
    event: E,
    schema: ZodType<I>,
    run: (input: I) => Promise<R>,
  ): void {
    (socket.on as (ev: string, fn: (...args: unknown[]) => void) => void)(event, (...args: unknown[]) => {
      // An ack-only emit puts the callback first.
      const ackArg = args.find((a) => typeof a === 'function') as ((res: Ack<R>) => void) | undefined;
      const reply = ackArg ?? (() => undefined);
      const payload = typeof args[0] === 'function' ? undefined : args[0];
      if (!allow()) {
        reply({ ok: false, error: { code: 'rate_limited', message: 'Too many requests on this connection; slow down.' } });
        return;
      }
      const parsed = schema.safeParse(payload);
      if (!parsed.success) {
        reply({ ok: false, error: { code: 'validation_failed', message: parsed.error.issues[0]?.message ?? 'Invalid input.' } });
        return;
      }
      run(parsed.data).then(
        (data) => reply({ ok: true, data }),
        (err: unknown) => {
          const appErr = toAppError(err);
          if (appErr.status >= 500) log.error({ err, event, socketId: socket.id }, 'socket event failed');
          reply({ ok: false, error: { code: appErr.code, message: appErr.message } });
        },
      );
    });
  }

  on('subscribe_session', botIdPayload, async ({ botId }) => {
    const bot = await findBot({ principal, botId });
    const joined = [...socket.rooms].filter((r) => r.startsWith('session:')).length;
    const room = rooms.session(bot.id);
    if (!socket.rooms.has(room) && joined >= MAX_SESSION_ROOMS) {
      throw new AppError('rate_limited', `A connection can watch at most ${MAX_SESSION_ROOMS} sessions at once.`);
    }
    // Join first, then snapshot: anything emitted in between arrives before the ack, and the
    // snapshot is at least as new, so a QR emitted before subscribing is never missed.
    await socket.join(room);
    return sessionControl().snapshot(bot);
  });

  on('unsubscribe_session', botIdPayload, async ({ botId }) => {
    await socket.leave(rooms.session(botId));
    return { botId };
  });

  on('trigger_whatsapp_connection', connectPayload, async ({ botId, method, phoneNumber }) =>
    connectBot({ principal, botId, input: { method, phoneNumber } }),
  );

  on('disconnect_whatsapp', botIdPayload, async ({ botId }) => logoutBot({ principal, botId }));
}
