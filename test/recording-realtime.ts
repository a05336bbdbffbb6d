import type { ServerEventName } from '@/lib/realtime/events';
import type { MembershipChange, RealtimeFacade } from '@/lib/realtime/publish';

// The realtime facade for service tests without a Socket.IO server: it records what a service
// publishes (and which rooms it closes, which memberships it changes) so a test can assert on it.

export interface RecordedEvent {
  /** As the service passed it: one room, or several. */
  rooms: string | readonly string[];
  event: ServerEventName;
  payload: Record<string, unknown>;
}

export interface Recorders {
  events?: RecordedEvent[];
  disconnected?: (string | readonly string[])[];
  changes?: MembershipChange[];
  /** Called with each event as it is published, after it was recorded. */
  onPublish?: (event: RecordedEvent) => void | Promise<void>;
}

export function recordingRealtime({ events, disconnected, changes, onPublish }: Recorders = {}): RealtimeFacade {
  return {
    publish(target, event, payload) {
      const recorded: RecordedEvent = { rooms: target, event, payload: payload as unknown as Record<string, unknown> };
      events?.push(recorded);
      void onPublish?.(recorded);
    },
    disconnectRooms: (target) => void disconnected?.push(target),
    applyMembership: (change) => void changes?.push(change),
    connectionCount: () => 0,
    sseConnectionCount: () => 0,
  };
}
