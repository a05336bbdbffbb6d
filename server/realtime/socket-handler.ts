import type { Logger } from 'pino';
import type { ZodType } from 'zod';
import { env } from '@/lib/env';
import { toAppError } from '@/lib/errors';
import type { Ack, ClientToServerEvents } from '@/lib/realtime/events';
import type { ParleySocket } from './create-realtime-server';

// Every client→server event goes through one registrar: it validates the payload with zod,
// answers through the ack, rate-limits per connection, and never throws into Socket.IO, so
// malformed input gets an error ack instead of crashing anything.

const WINDOW_MS = 10_000;

export type SocketHandlerRegistrar = <E extends keyof ClientToServerEvents, I, R>(
  event: E,
  schema: ZodType<I>,
  run: (input: I) => Promise<R>,
) => void;

export function createSocketHandlerRegistrar(socket: ParleySocket, log: Logger): SocketHandlerRegistrar {
  // Per connection, so one flooding tab cannot starve anyone else's (SOCKET_EVENTS_PER_10S).
  const maxPerWindow = env().SOCKET_EVENTS_PER_10S;
  let windowStart = Date.now();
  let count = 0;
  const allow = () => {
    const now = Date.now();
    if (now - windowStart >= WINDOW_MS) {
      windowStart = now;
      count = 0;
    }
    return ++count <= maxPerWindow;
  };

  return (event, schema, run) => {
    (socket.on as (ev: string, fn: (...args: unknown[]) => void) => void)(event, (...args: unknown[]) => {
      // An ack-only emit puts the callback first.
      const ackArg = args.find((a) => typeof a === 'function') as ((res: Ack<unknown>) => void) | undefined;
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
  };
}
