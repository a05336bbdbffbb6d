import type { Socket } from 'socket.io-client';
import { vi } from 'vitest';

export type Payload = Record<string, unknown>;
export type AckResult<T = Payload> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

/** Every server→client event a socket receives, in order, with a way to wait for one. */
export function recordEvents(socket: Socket) {
  const events: { event: string; payload: Payload }[] = [];
  socket.onAny((event: string, payload: Payload) => events.push({ event, payload }));
  return {
    events,
    /** Payloads of one event, optionally for one bot. */
    of: (event: string, botId?: string) =>
      events.filter((e) => e.event === event && (botId === undefined || e.payload.botId === botId)).map((e) => e.payload),
    /** Every event about one bot. */
    forBot: (botId: string) => events.filter((e) => e.payload.botId === botId),
    waitFor: (event: string, pred: (p: Payload) => boolean = () => true, timeout = 4_000): Promise<Payload> =>
      vi.waitFor(
        () => {
          const hit = events.find((e) => e.event === event && pred(e.payload));
          if (!hit) throw new Error(`no matching ${event} yet; got ${events.map((e) => e.event).join(', ') || 'nothing'}`);
          return hit.payload;
        },
        { timeout, interval: 10 },
      ),
  };
}

/** A client→server event with an ack (times out after 3 s). */
export function emitAck<T = Payload>(socket: Socket, event: string, ...args: unknown[]): Promise<AckResult<T>> {
  return socket.timeout(3_000).emitWithAck(event, ...args) as Promise<AckResult<T>>;
}
