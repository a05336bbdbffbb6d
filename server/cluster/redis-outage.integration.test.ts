import { createClient } from 'redis';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConnectedPayload } from '@/lib/realtime/events';
import { startCluster, type TestCluster } from '@/test/cluster';
import { type Account, Client, signUpAccount } from '@/test/http-client';
import { type PrivateRedis, redisServerBinary, startPrivateRedis } from '@/test/redis-server';
import { recordEvents } from '@/test/socket-events';
import type { RunningServer } from '@/test/spawn-server';
import { openSse, type SseStream } from '@/test/sse-client';
import { shouldRunPostgres } from '@/test/test-db';

// Redis stops for 10 s under two running nodes (a Redis of this test's own, so the shared one is
// left alone). Each node keeps delivering its own events to its own clients at once — sockets and
// SSE — and WhatsApp sessions keep running (leases live in PostgreSQL). When Redis is back the
// events held meanwhile reach the other node's clients, cross-node delivery resumes, and a client
// that was away during the outage is recovered with everything it missed.

const OUTAGE_MS = 10_000;
const run = (await shouldRunPostgres()) && (Boolean(redisServerBinary()) || Boolean(process.env.CI));

let redis: PrivateRedis;
let cluster: TestCluster;
let A: RunningServer;
let B: RunningServer;
let owner: Account;
let onB: Client;
let botId = '';
const sockets: Socket[] = [];
const streams: SseStream[] = [];

async function socketTo(url: string, reconnection = false) {
  const socket = io(url, { transports: ['websocket'], reconnection, reconnectionDelay: 100, extraHeaders: { cookie: owner.client.cookie! } });
  sockets.push(socket);
  const got = recordEvents(socket);
  await new Promise<ConnectedPayload>((resolve, reject) => {
    socket.once('connected', resolve);
    socket.once('connect_error', reject);
  });
  return { socket, got };
}

const renameOn = (client: Client, name: string) => client.json('PATCH', `/api/v1/bots/${botId}`, { name });
const names = (got: ReturnType<typeof recordEvents>) => got.of('bot_status_update', botId).map((p) => p.name);
const redisStatus = async (url: string) => ((await (await fetch(`${url}/api/health`)).json()) as { redis: { status: string } }).redis.status;

describe.runIf(run)('Redis stops for 10 s under two nodes', () => {
  beforeAll(async () => {
    redis = await startPrivateRedis();
    cluster = await startCluster({
      nodes: 2,
      redisUrl: redis.url,
      env: { WHATSAPP_ENGINE: 'simulator', SIMULATOR_RESTART_MS: '20', SIMULATOR_QR_FIRST_MS: '20000', SSE_HEARTBEAT_MS: '1000' },
    });
    [A, B] = cluster.nodes as [RunningServer, RunningServer];
    owner = await signUpAccount(A.url, 'outage@example.com', 'Otto Outage');
    onB = new Client(B.url);
    onB.cookie = owner.client.cookie;
    // A linked bot whose session runs on A.
    const created = await owner.client.json<{ id: string }>('POST', '/api/v1/bots', { name: 'Before' });
    botId = created.body.id;
    expect((await owner.client.json('POST', `/api/v1/bots/${botId}/connect`, { method: 'qr' })).status).toBe(202);
    await vi.waitFor(async () => expect((await owner.client.json('POST', `/api/dev/simulator/bots/${botId}/scan`, {})).status).toBe(200), {
      timeout: 10_000,
      interval: 100,
    });
    await vi.waitFor(async () => expect((await owner.client.json<{ status: string }>('GET', `/api/v1/bots/${botId}`)).body.status).toBe('CONNECTED'), {
      timeout: 10_000,
      interval: 100,
    });
  });

  afterAll(async () => {
    for (const s of streams) s.close();
    for (const s of sockets) s.close();
    await cluster?.cleanup();
    await redis?.destroy();
  });

  it('local delivery continues during the outage; afterwards the held events cross over, nothing lost for recovered clients', async () => {
    const a1 = await socketTo(A.url);
    const b1 = await socketTo(B.url);
    // Away during the outage: it drops before Redis stops and comes back after.
    const away = await socketTo(B.url, true);
    const sseA = await openSse(`${A.url}/api/v1/whatsapp/connection-events?botId=${botId}`, { cookie: owner.client.cookie });
    const sseB = await openSse(`${B.url}/api/v1/whatsapp/connection-events?botId=${botId}`, { cookie: owner.client.cookie });
    streams.push(sseA, sseB);
    await Promise.all([sseA, sseB].map((s) => s.waitFor((f) => f.event === 'connected')));

    await renameOn(owner.client, 'Cross check');
    for (const c of [a1, b1, away]) await c.got.waitFor('bot_status_update', (p) => p.name === 'Cross check');
    away.socket.io.reconnection(false);
    const dropped = new Promise((r) => away.socket.once('disconnect', r));
    away.socket.io.engine.close();
    await dropped;
    // The node stores the session it may restore once it sees the drop: wait for that before Redis stops.
    const probe = createClient({ url: redis.url });
    await probe.connect();
    try {
      await vi.waitFor(async () => expect(await probe.keys(`${cluster.prefix}socket.io:session:*`)).toHaveLength(1), { timeout: 5_000, interval: 20 });
    } finally {
      probe.destroy();
    }

    await redis.stop();
    const stoppedAt = performance.now();
    await vi.waitFor(async () => expect(await redisStatus(A.url)).toBe('down'), { timeout: 5_000, interval: 100 });

    // Each node's own clients get its events at once (well under a second), Redis or not.
    for (const [client, node, other, name] of [
      [owner.client, a1, b1, 'During outage on A'],
      [onB, b1, a1, 'During outage on B'],
    ] as const) {
      const sent = performance.now();
      expect((await renameOn(client, name)).status).toBe(200);
      await node.got.waitFor('bot_status_update', (p) => p.name === name, 2_000);
      expect(performance.now() - sent).toBeLessThan(1_500);
      expect(names(other.got)).not.toContain(name);
    }
    // The WhatsApp session keeps running on A (its lease is in PostgreSQL): a reconnect is
    // reported to A's SSE subscriber at once, without an id (it is not in the shared buffer yet).
    expect((await owner.client.json('POST', `/api/dev/simulator/bots/${botId}/disconnect`, { reason: 'connection_lost' })).status).toBe(200);
    await sseA.waitFor((f) => f.event === 'connected' && f.id === undefined, 8_000);
    expect(sseA.frames.some((f) => f.event === 'status' && f.data?.status === 'RECONNECTING' && f.id === undefined)).toBe(true);
    expect(sseB.frames.some((f) => f.data?.status === 'RECONNECTING')).toBe(false);

    // Redis back after 10 s.
    const downFor = OUTAGE_MS - (performance.now() - stoppedAt);
    if (downFor > 0) await new Promise((r) => setTimeout(r, downFor));
    await redis.start();
    await vi.waitFor(async () => {
      for (const node of [A, B]) expect(await redisStatus(node.url)).toBe('ok');
    }, { timeout: 10_000, interval: 100 });

    // Held events reach the other node's clients, in order; the session's reconnect reaches B's SSE.
    await b1.got.waitFor('bot_status_update', (p) => p.name === 'During outage on A', 10_000);
    await a1.got.waitFor('bot_status_update', (p) => p.name === 'During outage on B', 10_000);
    const sseRecovered = await sseB.waitFor((f) => f.event === 'status' && f.data?.status === 'RECONNECTING', 10_000);
    expect(sseRecovered.id).toBeGreaterThan(0);
    await sseB.waitFor((f) => f.event === 'connected' && (f.id ?? 0) > sseRecovered.id!, 10_000);

    // Cross-node delivery resumes for new events.
    await renameOn(owner.client, 'After outage');
    await b1.got.waitFor('bot_status_update', (p) => p.name === 'After outage', 5_000);
    // (Status pushes of A's session repeat the bot's current name: first appearances count.)
    expect([...new Set(names(b1.got))].slice(-3)).toEqual(['During outage on B', 'During outage on A', 'After outage']);

    // The client that was away is recovered with everything published while it was gone.
    const back = new Promise<void>((resolve) => away.socket.once('connect', () => resolve()));
    away.socket.connect();
    await back;
    expect(away.socket.recovered).toBe(true);
    for (const name of ['During outage on A', 'During outage on B', 'After outage']) {
      await away.got.waitFor('bot_status_update', (p) => p.name === name, 5_000);
    }
  });
});
