import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '@/lib/errors';
import { rooms, type SessionStatus } from '@/lib/realtime/events';
import { dropRedisPrefix, shouldRunRedis, TEST_REDIS_URL } from '@/test/cluster';
import type { SseClient, SseData, SseEvent } from '../realtime/sse-hub';
import { ClusterBus } from './cluster-bus';
import { connectRedis, redactRedisUrl, type RedisConnection } from './redis';
import { createRedisRateLimiter } from './redis-rate-limiter';
import { RedisSseHub } from './redis-sse-hub';

// What the nodes share through Redis, against the real Redis (127.0.0.1:6379, under a key prefix
// of this test's own): forwarded commands, SSE buffers and fan-out, rate limits.

const run = await shouldRunRedis();
const log = pino({ level: 'silent' });
const ts = '2025-01-01T00:00:00.000Z';

describe.runIf(run)('shared through Redis', () => {
  const prefix = `parley-unit-${randomBytes(4).toString('hex')}:`;
  const connections: RedisConnection[] = [];
  const node = async () => {
    const c = await connectRedis({ url: TEST_REDIS_URL, prefix, log });
    connections.push(c);
    return c;
  };

  afterAll(async () => {
    for (const c of connections) await c.close();
    await dropRedisPrefix(prefix);
  });

  it('redacts the password of a Redis URL for logs', () => {
    expect(redactRedisUrl('redis://user:s3cret@redis.internal:6379/0')).toBe('redis://user:***@redis.internal:6379/0');
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  describe('ClusterBus', () => {
    let a: ClusterBus;
    let b: ClusterBus;
    beforeAll(async () => {
      a = new ClusterBus({ redis: await node(), nodeId: 'bus-a', timeoutMs: 400, log });
      b = new ClusterBus({ redis: await node(), nodeId: 'bus-b', timeoutMs: 400, log });
      b.handle('echo', async (args: { n: number }) => ({ doubled: args.n * 2 }));
      b.handle('refuse', async () => {
        throw new AppError('conflict', 'The bot is not connected to WhatsApp.');
      });
      b.handle('hang', () => new Promise(() => {}));
      b.handle('nothing', async () => undefined);
      await Promise.all([a.start(), b.start()]);
    });
    afterAll(async () => {
      await a.close();
      await b.close();
    });

    it('answers a forwarded command with the owner\'s result, or its error (code and message kept)', async () => {
      expect(await a.request('bus-b', 'echo', { n: 21 })).toEqual({ doubled: 42 });
      expect(await a.request('bus-b', 'nothing', {})).toBeNull();
      const refused = await a.request('bus-b', 'refuse', {}).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(AppError);
      expect(refused).toMatchObject({ code: 'conflict', message: 'The bot is not connected to WhatsApp.' });
      expect(b.stats.served).toBe(3);
    });

    it('503 at once when nobody listens for that node, and after the timeout when it does not answer', async () => {
      const started = performance.now();
      await expect(a.request('bus-nobody', 'echo', { n: 1 })).rejects.toMatchObject({ code: 'service_unavailable', retryAfter: 5 });
      expect(performance.now() - started).toBeLessThan(300);
      const hung = performance.now();
      await expect(a.request('bus-b', 'hang', {})).rejects.toMatchObject({ code: 'service_unavailable' });
      expect(performance.now() - hung).toBeGreaterThanOrEqual(390);
      const unknown = await a.request('bus-b', 'no-such-op', {}).catch((e: unknown) => e);
      expect(unknown).toMatchObject({ code: 'internal' });
    });
  });

  describe('RedisSseHub', () => {
    let one: RedisSseHub;
    let two: RedisSseHub;
    beforeAll(async () => {
      one = new RedisSseHub({ redis: await node(), log, bufferSize: 3 });
      two = new RedisSseHub({ redis: await node(), log, bufferSize: 3 });
      await Promise.all([one.start(), two.start()]);
    });
    afterAll(async () => {
      await one.close();
      await two.close();
    });

    const recorder = () => {
      const c = { events: [] as SseEvent[], send: (e: SseEvent) => void c.events.push(e), close: () => {} } satisfies SseClient & { events: SseEvent[] };
      return c;
    };
    const status = (hub: RedisSseHub, botId: string, s: SessionStatus) =>
      hub.dispatch([rooms.workspace('w'), rooms.session(botId)], 'session_status_changed', { botId, sessionId: 's1', status: s, timestamp: ts });
    const snapshot = (botId: string) => async (): Promise<SseData> => ({ type: 'status', botId, sessionId: 's1', status: 'DISCONNECTED', timestamp: ts });

    it('an event published on one node reaches every node\'s subscribers with the same increasing ids', async () => {
      const botId = `bot-${randomBytes(3).toString('hex')}`;
      const onOne = recorder();
      const onTwo = recorder();
      await one.open(botId, onOne, null, snapshot(botId));
      await two.open(botId, onTwo, null, snapshot(botId));
      // (One node publishes a bot's events in order; two nodes at the same instant would race.)
      status(one, botId, 'STARTING');
      status(one, botId, 'QR_REQUIRED');
      await vi.waitFor(() => expect(onTwo.events).toHaveLength(3), { timeout: 2_000, interval: 10 });
      status(two, botId, 'CONNECTED');
      await vi.waitFor(() => expect(onTwo.events).toHaveLength(4), { timeout: 2_000, interval: 10 });
      await vi.waitFor(() => expect(onOne.events).toHaveLength(4), { timeout: 2_000, interval: 10 });
      for (const c of [onOne, onTwo]) {
        expect(c.events.map((e) => [e.id, e.data.status])).toEqual([
          [0, 'DISCONNECTED'],
          [1, 'STARTING'],
          [2, 'QR_REQUIRED'],
          [3, 'CONNECTED'],
        ]);
      }
      expect(await one.lastId(botId)).toBe(3);
      expect(one.clientCount()).toBe(1);
    });

    it('resumes from Last-Event-ID on any node, and answers null when the buffer no longer reaches back', async () => {
      const botId = `bot-${randomBytes(3).toString('hex')}`;
      expect(await two.since(botId, 0)).toEqual([]);
      expect(await two.since(botId, 1)).toBeNull();
      for (const s of ['STARTING', 'QR_REQUIRED', 'RECONNECTING', 'CONNECTED', 'DISCONNECTED'] as const) status(one, botId, s);
      await vi.waitFor(async () => expect(await two.lastId(botId)).toBe(5), { timeout: 2_000, interval: 10 });
      // Trimmed to about 3 (MAXLEN ~): whatever it keeps is served, older ids are a gap.
      const kept = (await two.since(botId, 4))!;
      expect(kept.map((e) => e.id)).toEqual([5]);
      expect(await two.since(botId, 5)).toEqual([]);
      expect(await two.since(botId, 9)).toBeNull();

      const resumed = recorder();
      await two.open(botId, resumed, 3, snapshot(botId));
      expect(resumed.events.map((e) => e.id)).toEqual([4, 5]);
      status(one, botId, 'STARTING');
      await vi.waitFor(() => expect(resumed.events.map((e) => e.id)).toEqual([4, 5, 6]), { timeout: 2_000, interval: 10 });
    });
  });

  describe('rate limits in Redis', () => {
    it('count across nodes, do not count refusals, tell when to retry, and reset', async () => {
      const rule = { name: `unit-${randomBytes(3).toString('hex')}`, limit: 3, windowMs: 60_000 };
      const a = createRedisRateLimiter(await node(), log);
      const b = createRedisRateLimiter(await node(), log);
      expect((await a.consume(rule, 'user@example.com')).ok).toBe(true);
      expect(await b.consume(rule, 'user@example.com')).toEqual({ ok: true, remaining: 1, retryAfter: 60 });
      expect((await a.consume(rule, 'user@example.com')).ok).toBe(true);
      const refused = await b.consume(rule, 'user@example.com');
      expect(refused).toMatchObject({ ok: false, remaining: 0 });
      expect(refused.retryAfter).toBeGreaterThan(55);
      expect((await a.consume(rule, 'other@example.com')).ok).toBe(true);
      await a.reset(rule, 'user@example.com');
      expect((await b.consume(rule, 'user@example.com')).ok).toBe(true);
      // Keys are hashed: no address in Redis.
      const keys = await connections[0]!.client.keys(`${prefix}rl:*`);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.some((k) => k.includes('example.com'))).toBe(false);
    });
  });
});
