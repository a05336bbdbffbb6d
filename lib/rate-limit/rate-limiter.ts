// Fixed-window counters in process memory. One store per process on globalThis so the route
// bundles and the server count together (and HMR does not reset a brute-force window).
// Moves to Redis with the multi-node work (issue 8).

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

const KEY = Symbol.for('parley.rateLimiter');
type Holder = { [KEY]?: RateLimiter };

export function rateLimiter(): RateLimiter {
  return ((globalThis as Holder)[KEY] ??= new RateLimiter());
}
