import { childLogger } from '@/lib/logger';
import { processSlot } from '@/lib/process-slot';
import type { ServerEventName, ServerEventPayload } from './events';

/**
 * What the custom server exposes to the rest of the process. Route handlers are bundled apart
 * from server/index.ts, so module singletons are not shared: the server installs this on
 * globalThis at boot and `publish()` reads it from there.
 */
export interface RealtimeFacade {
  publish<E extends ServerEventName>(rooms: string | readonly string[], event: E, payload: ServerEventPayload<E>): void;
  /** Closes every socket in the rooms (e.g. all tabs of a browser session that signed out). */
  disconnectRooms(rooms: string | readonly string[]): void;
  connectionCount(): number;
  sseConnectionCount(): number;
}

const slot = processSlot<RealtimeFacade>('realtime');

export function installRealtime(facade: RealtimeFacade | undefined): void {
  slot.set(facade);
}

export function getRealtime(): RealtimeFacade | undefined {
  return slot.get();
}

let warned = false;

/** The one publish path. Returns false when no realtime server runs in this process. */
export function publish<E extends ServerEventName>(
  rooms: string | readonly string[],
  event: E,
  payload: ServerEventPayload<E>,
): boolean {
  const facade = getRealtime();
  if (!facade) {
    if (!warned) {
      warned = true;
      childLogger('realtime').warn({ event }, 'no realtime server in this process (start Parley with `npm run dev` or `npm start`); event dropped');
    }
    return false;
  }
  facade.publish(rooms, event, payload);
  return true;
}

export function disconnectRooms(rooms: string | readonly string[]): void {
  getRealtime()?.disconnectRooms(rooms);
}
