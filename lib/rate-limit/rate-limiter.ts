// Fixed-window counters. In process memory by default (one store per process on globalThis, so
// the route bundles and the server count together and HMR does not reset a brute-force window);
// with REDIS_URL the server installs a Redis-backed store at boot, so every node counts together
// (server/cluster/redis-rate-limiter.ts).

export interface RateLimitRule {
  /** Distinguishes limits that share a key (e.g. sign-in per email vs per IP). */
  name: string;
  limit: number;
  windowMs: number;
}

export interface RateLimitResult {
  ok: boolean;
  remaining: number;
  /** Whole seconds until the window resets (≥ 1 when refused). */
  retryAfter: number;
}

interface Bucket {
  count: number;
  resetAt: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  consume(rule: RateLimitRule, key: string, cost = 1): RateLimitResult {
    const t = this.now();
    this.sweep(t);
    const id = `${rule.name}:${key}`;
    let bucket = this.buckets.get(id);
    if (!bucket || bucket.resetAt <= t) {
      bucket = { count: 0, resetAt: t + rule.windowMs };
      this.buckets.set(id, bucket);
    }
    const retryAfter = Math.max(1, Math.ceil((bucket.resetAt - t) / 1000));
    if (bucket.count + cost > rule.limit) return { ok: false, remaining: 0, retryAfter };
    bucket.count += cost;
    return { ok: true, remaining: rule.limit - bucket.count, retryAfter };
  }

  reset(rule: RateLimitRule, key: string): void {
    this.buckets.delete(`${rule.name}:${key}`);
  }

  get size(): number {
    return this.buckets.size;
  }

  // Expired buckets are dropped at most once a second, so memory is bounded by live windows.
  private sweep(t: number): void {
    if (t - this.lastSweep < 1000) return;
    this.lastSweep = t;
    for (const [id, bucket] of this.buckets) if (bucket.resetAt <= t) this.buckets.delete(id);
  }
}

/** The limiter route handlers use: one node's memory, or Redis shared by every node. */
export interface RateLimitStore {
  consume(rule: RateLimitRule, key: string, cost?: number): Promise<RateLimitResult>;
  reset(rule: RateLimitRule, key: string): Promise<void>;
}

/** The in-memory limiter behind the async interface. */
export function memoryStore(limiter: RateLimiter = new RateLimiter()): RateLimitStore {
  return {
    consume: async (rule, key, cost) => limiter.consume(rule, key, cost),
    reset: async (rule, key) => limiter.reset(rule, key),
  };
}

const KEY = Symbol.for('parley.rateLimiter');
type Holder = { [KEY]?: RateLimitStore };

export function rateLimiter(): RateLimitStore {
  return ((globalThis as Holder)[KEY] ??= memoryStore());
}

/** The server installs the Redis-backed store at boot (undefined: back to memory). */
export function installRateLimiter(store: RateLimitStore | undefined): void {
  if (store) (globalThis as Holder)[KEY] = store;
  else delete (globalThis as Holder)[KEY];
}
