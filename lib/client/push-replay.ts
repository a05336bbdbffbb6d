import type { MessageSyncEvent } from '@/lib/realtime/events';

// A list or thread that is still loading has nothing in the cache for a push to land in, and its
// response may have been read before that push: the push would be lost. So the tab keeps the
// last pushes for a while, the fetcher notes when the server read each key (x-parley-read-at),
// and a key that finishes loading gets every push published since its read applied on top.

const MAX_EVENTS = 1_000;
const MAX_AGE_MS = 2 * 60_000;
const MAX_READS = 500;

export interface PushReplay {
  /** The server read `url` at `at` (server clock, ms). */
  noteRead(url: string, at: number): void;
  /** A push, as it arrived. */
  record(event: MessageSyncEvent): void;
  /** Pushes published at or after the server read `url`, oldest first; none when the read time is unknown. */
  since(url: string): MessageSyncEvent[];
}

export function createPushReplay(): PushReplay {
  const events: { at: number; event: MessageSyncEvent }[] = [];
  const reads = new Map<string, number>();
  return {
    noteRead(url, at) {
      reads.delete(url);
      reads.set(url, at);
      if (reads.size > MAX_READS) reads.delete(reads.keys().next().value as string);
    },
    record(event) {
      const at = Date.parse(event.payload.timestamp);
      if (Number.isNaN(at)) return;
      events.push({ at, event });
      const cutoff = at - MAX_AGE_MS;
      let drop = 0;
      while (drop < events.length && (events[drop]!.at < cutoff || events.length - drop > MAX_EVENTS)) drop++;
      if (drop) events.splice(0, drop);
    },
    since(url) {
      const readAt = reads.get(url);
      if (readAt === undefined) return [];
      // Equal milliseconds count as after: replaying what the read already saw changes nothing.
      return events.filter((e) => e.at >= readAt).map((e) => e.event);
    },
  };
}
