import type { MembershipRole } from '@/lib/db/schema';
import { childLogger } from '@/lib/logger';
import { processSlot } from '@/lib/process-slot';
import type { MembershipChangedPayload, ServerEventName, ServerEventPayload } from './events';

/** A user's membership in one workspace after a change (`role: null`: no longer a member). */
export interface MembershipChange {
  userId: string;
  workspaceId: string;
  workspaceName: string;
  role: MembershipRole | null;
  reason: MembershipChangedPayload['reason'];
  /** The workspace's bots: their `session:{botId}` rooms are left when the user may no longer watch them. */
  botIds: readonly string[];
}

/**
 * What the custom server exposes to the rest of the process. Route handlers are bundled apart
 * from server/index.ts, so module singletons are not shared: the server installs this on
 * globalThis at boot and `publish()` reads it from there.
 */
export interface RealtimeFacade {
  publish<E extends ServerEventName>(rooms: string | readonly string[], event: E, payload: ServerEventPayload<E>): void;
  /** Closes every socket in the rooms (e.g. all tabs of a browser session that signed out). */
  disconnectRooms(rooms: string | readonly string[]): void;
  /**
   * Applies a membership change to the user's live connections at once: sockets join or leave
   * the workspace (and its session rooms), keep an up-to-date principal, SSE streams the user
   * may no longer read end, and the user's tabs get `membership_changed`.
   */
  applyMembership(change: MembershipChange): void;
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

/** See RealtimeFacade.applyMembership; a no-op when no realtime server runs in this process. */
export function applyMembership(change: MembershipChange): void {
  getRealtime()?.applyMembership(change);
}
