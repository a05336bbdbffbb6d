import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { RateLimiter, type RateLimitResult, type RateLimitRule, type RateLimitStore } from '@/lib/rate-limit/rate-limiter';
import type { RedisConnection } from './redis';

// Rate limits shared by every node: the same fixed windows as lib/rate-limit, counted in Redis
// (one atomic script per check; refused attempts are not counted, as in memory). While Redis is
// unreachable each node falls back to its own in-memory windows rather than refusing everyone.

// KEYS[1] counter; ARGV: cost, limit, window ms. Returns { allowed 0|1, count after, ms left }.
const CONSUME = `
local cost = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
if current + cost > limit then
  if ttl < 0 then ttl = tonumber(ARGV[3]) end
  return { 0, current, ttl }
end
local count = redis.call('INCRBY', KEYS[1], cost)
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  ttl = tonumber(ARGV[3])
end
return { 1, count, ttl }
`;

export function createRedisRateLimiter(redis: RedisConnection, log: Logger): RateLimitStore {
  const fallback = new RateLimiter();
  let warned = false;
  // Keys may be e-mail addresses or IPs: only a hash of them is stored in Redis.
  const keyOf = (rule: RateLimitRule, key: string) =>
    `${redis.prefix}rl:${rule.name}:${createHash('sha256').update(key).digest('base64url').slice(0, 22)}`;
  const degrade = (err: unknown) => {
    if (!warned) log.warn({ err: err instanceof Error ? { message: err.message } : err }, 'rate limits fall back to this node\'s memory while Redis is unreachable');
    warned = true;
  };

  return {
    async consume(rule, key, cost = 1): Promise<RateLimitResult> {
      if (!redis.isReady()) {
        degrade(new Error('Redis is unreachable'));
        return fallback.consume(rule, key, cost);
      }
      try {
        const reply = (await redis.client.eval(CONSUME, {
          keys: [keyOf(rule, key)],
          arguments: [String(cost), String(rule.limit), String(rule.windowMs)],
        })) as [number, number, number];
        warned = false;
        const [allowed, count, ttl] = reply.map(Number) as [number, number, number];
        const retryAfter = Math.max(1, Math.ceil(ttl / 1000));
        return allowed ? { ok: true, remaining: rule.limit - count, retryAfter } : { ok: false, remaining: 0, retryAfter };
      } catch (err) {
        degrade(err);
        return fallback.consume(rule, key, cost);
      }
    },
    async reset(rule, key) {
      fallback.reset(rule, key);
      if (!redis.isReady()) return;
      await redis.client.del(keyOf(rule, key)).catch(degrade);
    },
  };
}
