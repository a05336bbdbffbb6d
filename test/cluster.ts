import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createClient } from 'redis';
import { type RunningServer, startServer } from './spawn-server';
import { createPostgresDatabase, type TestDatabase } from './test-db';

// Several Parley nodes for the multi-node tests: real server processes on port 0 sharing one
// fresh PostgreSQL database and one Redis (under a key prefix of their own, so concurrent runs on
// the same Redis never see each other's streams, channels or keys).

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function redisReachable(url = TEST_REDIS_URL): Promise<boolean> {
  const client = createClient({ url, socket: { connectTimeout: 2_000, reconnectStrategy: false } });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    if (client.isOpen) client.destroy();
  }
}

/** In CI the Redis runs must not be skipped silently: .ci/run starts Redis. */
export async function shouldRunRedis(): Promise<boolean> {
  const reachable = await redisReachable();
  if (!reachable && process.env.CI) throw new Error(`Redis is not reachable at ${TEST_REDIS_URL} (CI must start it)`);
  if (!reachable) console.warn(`Redis not reachable at ${TEST_REDIS_URL}: skipping the multi-node tests`);
  return reachable;
}

/** Deletes every key under a prefix (the cluster's streams, sessions, rate limits…). */
export async function dropRedisPrefix(prefix: string, url = TEST_REDIS_URL): Promise<void> {
  const client = createClient({ url, socket: { reconnectStrategy: false } });
  client.on('error', () => {});
  try {
    await client.connect();
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length) await client.del(keys);
    }
  } catch {
    // Redis gone: nothing to clean
  } finally {
    if (client.isOpen) client.destroy();
  }
}

/** Short leases so a takeover takes seconds in tests; the default TTL (15 s) meets "within 30 s". */
export const FAST_LEASES = {
  SESSION_LEASE_TTL_MS: '3000',
  SESSION_LEASE_RENEW_MS: '1000',
  CLUSTER_RPC_TIMEOUT_MS: '1500',
};

export interface TestCluster {
  nodes: RunningServer[];
  database: TestDatabase;
  prefix: string;
  /** Environment every node got (start another node with it). */
  env: Record<string, string>;
  start(extra?: Record<string, string>): Promise<RunningServer>;
  /** Stops every node still running, drops the database and the Redis keys. */
  cleanup(): Promise<void>;
}

export async function startCluster(opts: { nodes: number; env?: Record<string, string>; redisUrl?: string }): Promise<TestCluster> {
  const database = await createPostgresDatabase();
  const prefix = `parley-test-${randomBytes(4).toString('hex')}:`;
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: opts.redisUrl ?? TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    // Nodes share the database, so they must share the key that encrypts WhatsApp credentials.
    APP_SECRET: randomBytes(32).toString('hex'),
    ...FAST_LEASES,
    ...opts.env,
  };
  const nodes: RunningServer[] = [];
  const start = async (extra: Record<string, string> = {}) => {
    const node = await startServer({ mode: 'production', env: { ...env, ...extra } });
    nodes.push(node);
    return node;
  };
  try {
    // Together, as a deployment would start them (migrations take turns under an advisory lock).
    await Promise.all(Array.from({ length: opts.nodes }, () => start()));
  } catch (err) {
    await Promise.all(nodes.map((n) => n.stop()));
    await database.drop();
    throw err;
  }
  return {
    nodes,
    database,
    prefix,
    env,
    start,
    async cleanup() {
      await Promise.all(nodes.map((n) => n.stop()));
      await database.drop().catch(() => {});
      await dropRedisPrefix(prefix, env.REDIS_URL);
    },
  };
}

/** A node's id as it reports it (`<hostname>:<port>` by default). */
export async function nodeIdOf(url: string): Promise<string> {
  const body = (await (await fetch(`${url}/api/health`)).json()) as { node: string };
  return body.node;
}

export interface Tenure {
  botId: string;
  epoch: number;
  owner: string;
  previousOwner: string | null;
  reason: string;
  acquiredAt: Date;
  expiresAt: Date;
  releasedAt: Date | null;
  endReason: string | null;
}

/** The lease history (session_lease_events) of one bot, oldest tenure first. */
export async function leaseHistory(databaseUrl: string, botId: string): Promise<Tenure[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select bot_id, epoch, owner, previous_owner, reason, acquired_at, expires_at, released_at, end_reason
         from session_lease_events where bot_id = $1 order by epoch`,
      [botId],
    );
    return rows.map((r: Record<string, unknown>) => ({
      botId: String(r.bot_id),
      epoch: Number(r.epoch),
      owner: String(r.owner),
      previousOwner: (r.previous_owner as string | null) ?? null,
      reason: String(r.reason),
      acquiredAt: r.acquired_at as Date,
      expiresAt: r.expires_at as Date,
      releasedAt: (r.released_at as Date | null) ?? null,
      endReason: (r.end_reason as string | null) ?? null,
    }));
  } finally {
    await client.end();
  }
}

/** When a tenure ended: given back, or its last renewal ran out — whichever came first. */
export function tenureEnd(t: Tenure): Date {
  return t.releasedAt && t.releasedAt < t.expiresAt ? t.releasedAt : t.expiresAt;
}

/**
 * Every pair of tenures of different owners that overlap in time (must be none): a tenure may
 * begin only once the one before it ended. Epochs must also strictly increase.
 */
export function overlappingTenures(history: readonly Tenure[]): string[] {
  const problems: string[] = [];
  for (let i = 1; i < history.length; i++) {
    const prev = history[i - 1]!;
    const next = history[i]!;
    if (next.epoch <= prev.epoch) problems.push(`epoch ${next.epoch} does not follow ${prev.epoch}`);
    if (next.owner !== prev.owner && next.acquiredAt < tenureEnd(prev)) {
      problems.push(
        `${next.owner} acquired epoch ${next.epoch} at ${next.acquiredAt.toISOString()} while ${prev.owner} held epoch ${prev.epoch} until ${tenureEnd(prev).toISOString()}`,
      );
    }
  }
  return problems;
}

/** Parses Prometheus text into name{labels} → value. */
export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}
