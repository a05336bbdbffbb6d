import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Logger } from 'pino';
import { Adapter, MessageType, type BroadcastOptions } from 'socket.io-adapter';
import type { RedisConnection } from './redis';

// Socket.IO across nodes: @socket.io/redis-streams-adapter (a Redis stream carries every
// broadcast, and its entry ids are the offsets connection state recovery resumes from).
//
// One change to how it behaves when Redis is down: the stock adapter awaits the stream write
// before delivering to this node's own sockets, so an outage would stall (then drop the offsets
// of) every local event. Here, while Redis is unreachable (or slower than LOCAL_DEADLINE_MS), a
// node delivers to its own sockets at once and keeps the cluster message to publish as soon as
// Redis is back — in order, bounded — so the other nodes' clients still get it, late.

/** The longest a broadcast waits for Redis before this node's own sockets get it anyway. */
const LOCAL_DEADLINE_MS = 1_000;
/** Cluster messages kept while Redis is down; beyond this the oldest are dropped. */
const MAX_HELD = 10_000;

type AdapterFactory = ReturnType<typeof createAdapter>;
type Namespace = Parameters<AdapterFactory>[0];
type Packet = Parameters<Adapter['broadcast']>[0];

/** What this module reaches into: protected in the adapter's typings, public at runtime. */
interface ClusterInternals {
  publishAndReturnOffset(message: { type: MessageType; data: unknown }): Promise<string>;
  addOffsetIfNecessary(packet: Packet, opts: BroadcastOptions, offset: string): void;
}

interface Held {
  adapter: ClusterInternals;
  message: { type: MessageType; data: unknown };
}

const encodeOptions = (opts: BroadcastOptions) => ({ rooms: [...opts.rooms], except: [...(opts.except ?? [])], flags: opts.flags });

export interface ResilientAdapter {
  factory: (nsp: Namespace) => Adapter;
  /** Cluster messages waiting for Redis (metrics, tests). */
  heldCount(): number;
}

export function createResilientAdapter(redis: RedisConnection, log: Logger): ResilientAdapter {
  const p = redis.prefix;
  const base = createAdapter(redis.client, {
    streamName: `${p}socket.io`,
    channelPrefix: `${p}socket.io`,
    sessionKeyPrefix: `${p}socket.io:session:`,
    maxLen: 10_000,
    // Below node-redis' 5 s command timeout, so a blocking read never times out client-side.
    blockTimeInMs: 2_000,
  });

  const held: Held[] = [];
  let dropped = 0;
  let flushing = false;
  let flushedWaiters: (() => void)[] = [];
  /** Resolves once nothing is held (or after `ms`): a recovering client must find this node's held events in the stream. */
  const whenFlushed = (ms: number) =>
    held.length === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          flushedWaiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });

  const hold = (entry: Held) => {
    held.push(entry);
    if (held.length > MAX_HELD) {
      held.shift();
      if (dropped++ === 0) log.warn({ max: MAX_HELD }, 'Redis is still down: dropping the oldest cross-node events');
    }
  };

  const flush = async () => {
    if (flushing) return;
    flushing = true;
    try {
      let sent = 0;
      while (held.length > 0 && redis.isReady()) {
        const next = held[0]!;
        try {
          await next.adapter.publishAndReturnOffset(next.message);
        } catch (err) {
          log.warn({ err }, 'publishing held cross-node events failed; retrying when Redis is back');
          return;
        }
        held.shift();
        sent += 1;
      }
      if (sent > 0) log.info({ sent, dropped }, 'cross-node events held during the Redis outage were published');
      if (held.length === 0) {
        dropped = 0;
        const waiters = flushedWaiters;
        flushedWaiters = [];
        for (const w of waiters) w();
      }
    } finally {
      flushing = false;
    }
  };
  redis.onReady(() => void flush());

  // Socket.IO calls the factory with `new`: a plain function returning the adapter, as createAdapter's own.
  const factory = function (nsp: Namespace): Adapter {
    const adapter = base(nsp);
    const internals = adapter as unknown as ClusterInternals;
    const local = Adapter.prototype;
    // Held messages go first: while any wait, later ones queue behind them (order per node).
    const mustHold = () => !redis.isReady() || held.length > 0;

    adapter.broadcast = async (packet, opts) => {
      if (opts.flags?.local) {
        local.broadcast.call(adapter, packet, opts);
        return;
      }
      const message = { type: MessageType.BROADCAST, data: { packet, opts: encodeOptions(opts) } };
      if (mustHold()) {
        // No offset: a client that reconnects later resumes from the last offset it has.
        local.broadcast.call(adapter, packet, opts);
        hold({ adapter: internals, message });
        void flush();
        return;
      }
      let delivered = false;
      const deliver = (offset?: string) => {
        if (delivered) return;
        delivered = true;
        if (offset) internals.addOffsetIfNecessary(packet, opts, offset);
        local.broadcast.call(adapter, packet, opts);
      };
      const timer = setTimeout(() => deliver(), LOCAL_DEADLINE_MS);
      internals.publishAndReturnOffset(message).then(
        (offset) => {
          clearTimeout(timer);
          deliver(offset);
        },
        (err: unknown) => {
          clearTimeout(timer);
          deliver();
          // Not in the stream: keep it for the other nodes.
          if (!(err instanceof Error && /queue is full/i.test(err.message))) hold({ adapter: internals, message });
        },
      );
    };

    // Connection state recovery reads the missed events from the stream: once this node's held
    // events are in it, so a client that was away during an outage gets those too.
    const restore = adapter.restoreSession.bind(adapter);
    adapter.restoreSession = async (pid, offset) => {
      if (!redis.isReady()) throw new Error('Redis is unreachable: the session cannot be restored');
      await whenFlushed(5_000);
      return restore(pid, offset);
    };

    // Closing sockets (sign-out) reaches the other nodes later too, never not at all.
    const clusterDisconnect = adapter.disconnectSockets.bind(adapter);
    adapter.disconnectSockets = async (opts, close) => {
      if (opts.flags?.local || !mustHold()) return clusterDisconnect(opts, close);
      local.disconnectSockets.call(adapter, opts, close);
      hold({ adapter: internals, message: { type: MessageType.DISCONNECT_SOCKETS, data: { opts: encodeOptions(opts), close } } });
    };

    return adapter;
  };

  return { factory, heldCount: () => held.length };
}
