import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter';

const rule = { name: 'test', limit: 3, windowMs: 10_000 };

describe('RateLimiter', () => {
  it('allows up to the limit, then refuses with Retry-After until the window resets', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(() => now);
    expect([1, 2, 3].map(() => limiter.consume(rule, 'k').ok)).toEqual([true, true, true]);
    const refused = limiter.consume(rule, 'k');
    expect(refused).toEqual({ ok: false, remaining: 0, retryAfter: 10 });
    now += 9_500;
    expect(limiter.consume(rule, 'k')).toMatchObject({ ok: false, retryAfter: 1 });
    now += 600;
    expect(limiter.consume(rule, 'k')).toMatchObject({ ok: true, remaining: 2 });
  });

  it('keeps keys and rules apart', () => {
    const limiter = new RateLimiter(() => 0);
    for (let i = 0; i < 3; i++) limiter.consume(rule, 'a');
    expect(limiter.consume(rule, 'a').ok).toBe(false);
    expect(limiter.consume(rule, 'b').ok).toBe(true);
    expect(limiter.consume({ ...rule, name: 'other' }, 'a').ok).toBe(true);
  });

  it('reset clears one key', () => {
    const limiter = new RateLimiter(() => 0);
    for (let i = 0; i < 3; i++) limiter.consume(rule, 'a');
    limiter.reset(rule, 'a');
    expect(limiter.consume(rule, 'a').ok).toBe(true);
  });

  it('drops expired windows so memory stays bounded', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    for (let i = 0; i < 1000; i++) limiter.consume(rule, `k${i}`);
    expect(limiter.size).toBe(1000);
    now += 20_000;
    limiter.consume(rule, 'fresh');
    expect(limiter.size).toBe(1);
  });
});
