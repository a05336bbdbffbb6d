import type { Logger } from 'pino';
import { createClient } from 'redis';

// One Redis connection per node for commands (the Socket.IO adapter's publishes, rate limits, SSE
// streams, forwarded commands), plus the duplicates that block or subscribe. Redis going away
// does not stop the node: the client reconnects on its own (up to every 2 s) and everything that
// uses it has a local fallback until then.

/** Commands wait in the client's queue while Redis is unreachable; beyond this they fail at once. */
const MAX_QUEUED_COMMANDS = 10_000;

function makeClient(url: string) {
  return createClient({ url, commandsQueueMaxLength: MAX_QUEUED_COMMANDS, socket: { connectTimeout: 5_000 } });
}

export type RedisClient = ReturnType<typeof makeClient>;

export interface RedisConnection {
  client: RedisClient;
  /** Prepended to every key, stream and channel (REDIS_KEY_PREFIX). */
  prefix: string;
  /** Connected and answering (false while Redis is down and the client reconnects). */
  isReady(): boolean;
  /** Called every time the connection becomes ready again after an outage. */
  onReady(listener: () => void): () => void;
  /** Round trip of a PING in ms; throws when Redis does not answer within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<number>;
  /** A second connection (subscribers and blocking reads cannot share the command connection). */
  duplicate(): Promise<RedisClient>;
  close(): Promise<void>;
}

/** The URL without its password, for logs. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://(unparseable)';
  }
}

export async function connectRedis(opts: { url: string; prefix: string; log: Logger; connectTimeoutMs?: number }): Promise<RedisConnection> {
  const log = opts.log;
  const client = makeClient(opts.url);
  const extra: RedisClient[] = [];
  let ready = false;
  const readyListeners = new Set<() => void>();
  let everReady = false;

  client.on('error', (err: Error) => {
    // Reported once per outage, not once per reconnect attempt.
    if (ready || !everReady) log.warn({ err: { message: err.message } }, 'Redis connection error; reconnecting');
    ready = false;
  });
  client.on('end', () => (ready = false));
  client.on('ready', () => {
    const again = everReady;
    ready = true;
    everReady = true;
    if (again) log.info('Redis connection is back');
    for (const l of readyListeners) l();
  });

  const timeoutMs = opts.connectTimeoutMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Redis at ${redactRedisUrl(opts.url)} did not answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    client.destroy();
    throw err;
  } finally {
    clearTimeout(timer);
  }

  return {
    client,
    prefix: opts.prefix,
    isReady: () => ready && client.isReady,
    onReady(listener) {
      readyListeners.add(listener);
      return () => readyListeners.delete(listener);
    },
    async ping(ms = 2_000) {
      const started = performance.now();
      let t: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          client.ping(),
          new Promise((_, reject) => {
            t = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
          }),
        ]);
      } finally {
        clearTimeout(t);
      }
      return performance.now() - started;
    },
    async duplicate() {
      const copy = client.duplicate();
      copy.on('error', () => {}); // the command connection reports outages
      extra.push(copy);
      await copy.connect();
      return copy;
    },
    async close() {
      for (const c of extra.splice(0)) if (c.isOpen) c.destroy();
      if (client.isOpen) client.destroy();
    },
  };
}
