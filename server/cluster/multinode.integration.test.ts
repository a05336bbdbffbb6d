import pg from 'pg';
import { createClient } from 'redis';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConnectedPayload } from '@/lib/realtime/events';
import { leaseHistory, nodeIdOf, overlappingTenures, parseMetrics, shouldRunRedis, startCluster, type TestCluster } from '@/test/cluster';
import { type Account, Client, signUpAccount } from '@/test/http-client';
import { type RunningNginx, shouldRunNginx, startNginx } from '@/test/nginx';
import { emitAck, recordEvents } from '@/test/socket-events';
import { type RunningServer, startServer } from '@/test/spawn-server';
import { openSse, type SseStream } from '@/test/sse-client';
import { shouldRunPostgres } from '@/test/test-db';

// Two production server processes on two ports sharing one PostgreSQL database and one Redis
// (WHATSAPP_ENGINE=simulator): events published on one node reach clients of the other (Socket.IO
// and SSE), commands for a session owned by the other node are forwarded and answered (or 503),
// both transports work through nginx configured from deploy/nginx/parley.conf, and when the node
// owning a linked session is killed the other one takes it over from the stored credentials.

const SIMULATOR = {
  WHATSAPP_ENGINE: 'simulator',
  SIMULATOR_QR_FIRST_MS: '20000',
  SIMULATOR_RESTART_MS: '50',
  SSE_HEARTBEAT_MS: '500',
  SEND_MIN_INTERVAL_MS: '100',
};

const run = (await shouldRunPostgres()) && (await shouldRunRedis());
const withNginx = run && shouldRunNginx();

type BotBody = { id: string; status: string; name: string };
type ErrorBody = { error: { code: string; message: string } };

let cluster: TestCluster;
let A: RunningServer;
let B: RunningServer;
let idA = '';
let idB = '';
let owner: Account;
/** The owner's session cookie, valid on every node (sessions live in the shared database). */
let onB: Client;
let nginx: RunningNginx | undefined;
const sockets: Socket[] = [];
const streams: SseStream[] = [];

/** A socket.io client with the owner's cookie; resolves once the server greeted it. */
async function socketTo(url: string, opts: { transports?: ('websocket' | 'polling')[]; reconnection?: boolean } = {}) {
  const socket = io(url, {
    transports: opts.transports ?? ['websocket'],
    reconnection: opts.reconnection ?? false,
    reconnectionDelay: 100,
    reconnectionDelayMax: 200,
    extraHeaders: { cookie: owner.client.cookie! },
  });
  sockets.push(socket);
  const got = recordEvents(socket);
  const connected = await new Promise<ConnectedPayload>((resolve, reject) => {
    socket.once('connected', resolve);
    socket.once('connect_error', (err) => reject(err));
  });
  return { socket, got, connected };
}

async function leaseOwner(botId: string): Promise<string | null> {
  const c = new pg.Client({ connectionString: cluster.database.url });
  await c.connect();
  try {
    const { rows } = await c.query('select owner from session_leases where bot_id = $1 and expires_at > now()', [botId]);
    return (rows[0] as { owner: string } | undefined)?.owner ?? null;
  } finally {
    await c.end();
  }
}

async function metricsOf(url: string) {
  return parseMetrics(await (await fetch(`${url}/api/metrics`)).text());
}

describe.runIf(run)('two nodes, one database, one Redis', () => {
  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2, env: SIMULATOR });
    [A, B] = cluster.nodes as [RunningServer, RunningServer];
    [idA, idB] = await Promise.all([nodeIdOf(A.url), nodeIdOf(B.url)]);
    owner = await signUpAccount(A.url, 'owner@example.com', 'Olive Owner');
    onB = new Client(B.url);
    onB.cookie = owner.client.cookie;
  });

  afterAll(async () => {
    for (const s of streams) s.close();
    for (const s of sockets) s.close();
    await nginx?.stop();
    await cluster?.cleanup();
  });

  // Shared along the file: linked on node A in the first test, taken over by B in the last.
  let bot: BotBody;
  let watcher: Awaited<ReturnType<typeof socketTo>>;

  it('boots both nodes on one database (migrations took turns) and reports each in /api/health and /api/metrics', async () => {
    expect(idA).not.toBe(idB);
    for (const node of [A, B]) {
      const health = (await (await fetch(`${node.url}/api/health`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ status: 'ok', db: 'ok', redis: { status: 'ok', latencyMs: expect.any(Number) } });
    }
    // Each node publishes its figures to Redis: either node reports both.
    await vi.waitFor(
      async () => {
        const m = await metricsOf(B.url);
        expect(m.get('parley_cluster_nodes')).toBe(2);
        expect(m.has(`parley_socket_connections{node="${idA}"}`)).toBe(true);
        expect(m.get(`parley_redis_up{node="${idB}"}`)).toBe(1);
      },
      { timeout: 5_000, interval: 200 },
    );
  });

  it('a client on node B gets what node A publishes (socket and SSE); B forwards commands for the session A runs', async () => {
    watcher = await socketTo(B.url);
    const created = await owner.client.json<BotBody>('POST', '/api/v1/bots', { name: 'Cross-node bot' });
    expect(created.status).toBe(201);
    bot = created.body;
    // Published by A (it served the request), received through B.
    await watcher.got.waitFor('bot_status_update', (p) => p.botId === bot.id && p.status === 'DISCONNECTED');

    const sse = await openSse(`${B.url}/api/v1/whatsapp/connection-events?botId=${bot.id}`, { cookie: owner.client.cookie });
    streams.push(sse);
    expect(sse.res.status).toBe(200);
    expect(await sse.waitFor((f) => f.data !== undefined)).toMatchObject({ id: 0, event: 'status', data: { status: 'DISCONNECTED' } });

    // The session starts on A (A took the lease); its QR reaches B's session room.
    expect(await emitAck(watcher.socket, 'subscribe_session', { botId: bot.id })).toMatchObject({ ok: true, data: { status: 'DISCONNECTED' } });
    const connect = await owner.client.json<{ sessionId: string; status: string }>('POST', `/api/v1/bots/${bot.id}/connect`, { method: 'qr' });
    expect(connect.status).toBe(202);
    expect(await leaseOwner(bot.id)).toBe(idA);
    const qr = await watcher.got.waitFor('qr_code_updated', (p) => p.botId === bot.id, 10_000);

    // …so only A knows the QR: B's snapshot (socket ack, polling fallback) is asked of A.
    const again = await emitAck<{ qrCode?: string; status: string }>(watcher.socket, 'subscribe_session', { botId: bot.id });
    expect(again).toMatchObject({ ok: true, data: { status: 'QR_REQUIRED', qrCode: qr.qrCode } });
    const polled = await onB.json<{ qrCode?: string }>('GET', `/api/v1/whatsapp/session-status/${bot.id}`);
    expect(polled.status).toBe(200);
    expect(polled.body.qrCode).toBe(qr.qrCode);
    // B's SSE subscriber got A's QR, numbered in the shared buffer.
    const sseQr = await sse.waitFor((f) => f.event === 'qr_updated', 5_000);
    expect(sseQr.data).toMatchObject({ botId: bot.id, qrCode: qr.qrCode, userId: owner.userId });
    expect(sseQr.id).toBeGreaterThan(0);

    // Connecting again through B joins A's attempt (same session), it does not start a second one.
    const viaB = await onB.json<{ sessionId: string }>('POST', `/api/v1/bots/${bot.id}/connect`, { method: 'qr' });
    expect(viaB.status).toBe(202);
    expect(viaB.body.sessionId).toBe(connect.body.sessionId);

    // The phone scans through B: forwarded to A's simulated phone; CONNECTED reaches B's clients.
    const scan = await onB.json('POST', `/api/dev/simulator/bots/${bot.id}/scan`, { phoneNumber: '15550100100', displayName: 'Front Desk' });
    expect(scan.status, JSON.stringify(scan.body)).toBe(200);
    expect(await watcher.got.waitFor('session_status_changed', (p) => p.botId === bot.id && p.status === 'CONNECTED', 10_000)).toMatchObject({
      phoneNumber: '15550100100',
      displayName: 'Front Desk',
    });
    expect((await sse.waitFor((f) => f.event === 'connected', 5_000)).data).toMatchObject({ status: 'CONNECTED', phoneNumber: '15550100100' });
    expect(await leaseOwner(bot.id)).toBe(idA);

    // The SSE buffer is shared: a client resuming on A with B's Last-Event-ID gets exactly what followed it.
    const ids = sse.frames.filter((f) => f.data && f.id !== undefined).map((f) => f.id!);
    const resumeAt = ids[ids.length - 3]!;
    const resumed = await openSse(`${A.url}/api/v1/whatsapp/connection-events?botId=${bot.id}`, { cookie: owner.client.cookie, lastEventId: resumeAt });
    streams.push(resumed);
    await resumed.waitFor((f) => f.id === ids[ids.length - 1]);
    expect(resumed.frames.filter((f) => f.data).map((f) => f.id)).toEqual(ids.slice(-2));
    resumed.close();
  });

  it('messages cross nodes: a contact writes through B, A stores and pushes it; an agent replies through B, A sends it once', async () => {
    const said = await onB.json('POST', `/api/dev/simulator/bots/${bot.id}/messages`, { from: '15550300300', name: 'Carla', text: 'hello from B' });
    expect(said.status, JSON.stringify(said.body)).toBe(202);
    const arrived = await watcher.got.waitFor('new_message', (p) => p.botId === bot.id, 5_000);
    const conversationId = String(arrived.conversationId);

    const reply = await onB.json<{ id: string }>('POST', `/api/v1/conversations/${conversationId}/messages`, { text: 'Hi Carla, an agent here.' });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    await watcher.got.waitFor('message_status_updated', (p) => p.messageId === reply.body.id && p.status === 'sent', 10_000);
    const outbox = await onB.json<{ received: { to: string; text: string }[] }>('GET', `/api/dev/simulator/bots/${bot.id}/messages`);
    expect(outbox.body.received.filter((m) => m.text === 'Hi Carla, an agent here.')).toEqual([{ to: '15550300300', text: 'Hi Carla, an agent here.', id: expect.any(String) }]);

    const m = await metricsOf(B.url);
    expect(m.get(`parley_owned_sessions{node="${idA}"}`)).toBe(1);
    expect(m.get(`parley_owned_sessions{node="${idB}"}`)).toBe(0);
    expect(m.get(`parley_forwarded_commands_total{node="${idB}"}`)).toBeGreaterThan(0);
  });

  it('a command for a session whose owner does not answer is a clear 503 (silent owner: after the timeout; gone: at once)', async () => {
    const silent = `${cluster.prefix}silent-node`;
    const listener = createClient({ url: cluster.env.REDIS_URL });
    await listener.connect();
    // Subscribed, never answers: a node that hangs.
    await listener.subscribe(`${cluster.prefix}rpc:${silent}`, () => {});
    const db = new pg.Client({ connectionString: cluster.database.url });
    await db.connect();
    try {
      for (const [ownerId, slow] of [
        [silent, true],
        ['gone-node', false],
      ] as const) {
        const created = await owner.client.json<BotBody>('POST', '/api/v1/bots', { name: `Owned by ${ownerId}` });
        await db.query(
          `insert into session_leases (bot_id, owner, epoch, acquired_at, renewed_at, expires_at) values ($1, $2, 1, now(), now(), now() + interval '1 minute')`,
          [created.body.id, ownerId],
        );
        const started = performance.now();
        const res = await onB.json<ErrorBody>('POST', `/api/v1/bots/${created.body.id}/connect`, { method: 'qr' });
        const ms = performance.now() - started;
        expect(res.status).toBe(503);
        expect(res.body.error.code).toBe('service_unavailable');
        expect(res.res.headers.get('retry-after')).toBe('5');
        if (slow) expect(ms).toBeGreaterThanOrEqual(1_400);
        else expect(ms).toBeLessThan(1_400);
        await db.query('delete from session_leases where bot_id = $1', [created.body.id]);
      }
    } finally {
      await db.end();
      listener.destroy();
    }
  });

  it('connection state recovery across the adapter: a client that drops and reconnects gets what was published meanwhile (recovered)', async () => {
    const client = await socketTo(B.url, { reconnection: true });
    // An event with an offset first (the client resumes from the last offset it has).
    const rename = (name: string) => owner.client.json('PATCH', `/api/v1/bots/${bot.id}`, { name });
    await rename('Offset one');
    await client.got.waitFor('bot_status_update', (p) => p.name === 'Offset one');

    client.socket.io.reconnection(false);
    const dropped = new Promise((resolve) => client.socket.once('disconnect', resolve));
    client.socket.io.engine.close();
    await dropped;
    // Published by A while the client is away.
    await rename('While away');
    await watcher.got.waitFor('bot_status_update', (p) => p.name === 'While away');
    const back = new Promise<void>((resolve) => client.socket.once('connect', () => resolve()));
    client.socket.connect();
    await back;
    expect(client.socket.recovered).toBe(true);
    await client.got.waitFor('bot_status_update', (p) => p.name === 'While away');
    await rename('Cross-node bot');
  });

  describe.runIf(withNginx)('behind nginx (deploy/nginx/parley.conf)', () => {
    let viaA = '';
    let viaB = '';

    beforeAll(async () => {
      const a = new URL(A.url).host;
      const b = new URL(B.url).host;
      // The same upstream block twice, servers listed in both orders: ip_hash maps loopback to
      // one list position, so one listener lands on each node.
      nginx = await startNginx([{ upstreams: [a, b] }, { upstreams: [b, a] }]);
      const landed = await Promise.all(nginx.urls.map((u) => nodeIdOf(u)));
      expect(new Set(landed)).toEqual(new Set([idA, idB]));
      [viaA, viaB] = landed[0] === idA ? [nginx.urls[0]!, nginx.urls[1]!] : [nginx.urls[1]!, nginx.urls[0]!];
    });

    it('WebSocket and polling-only clients work through nginx on either node, sticky, and get the other node\'s events', async () => {
      for (const [front, otherNode] of [
        [viaA, B],
        [viaB, A],
      ] as const) {
        const ws = await socketTo(front, { transports: ['websocket'] });
        const polling = await socketTo(front, { transports: ['polling'] });
        expect(ws.socket.io.engine.transport.name).toBe('websocket');
        expect(polling.socket.io.engine.transport.name).toBe('polling');
        // A round trip over each (the polling one needs every request on the node that holds it).
        for (const c of [ws, polling]) expect(await emitAck(c.socket, 'subscribe_session', { botId: bot.id })).toMatchObject({ ok: true });

        const name = `Renamed on ${otherNode === A ? 'A' : 'B'}`;
        const onOther = new Client(otherNode.url);
        onOther.cookie = owner.client.cookie;
        expect((await onOther.json('PATCH', `/api/v1/bots/${bot.id}`, { name })).status).toBe(200);
        for (const c of [ws, polling]) await c.got.waitFor('bot_status_update', (p) => p.botId === bot.id && p.name === name, 5_000);
        // Several long-polls later the polling client is still the same connection.
        const id = polling.socket.id;
        await new Promise((r) => setTimeout(r, 300));
        expect(polling.socket.connected && polling.socket.id === id).toBe(true);
        ws.socket.close();
        polling.socket.close();
      }
    });

    it('SSE through nginx is not buffered: heartbeats and events arrive as they are written', async () => {
      const sse = await openSse(`${viaB}/api/v1/whatsapp/connection-events?botId=${bot.id}`, { cookie: owner.client.cookie });
      streams.push(sse);
      expect(sse.res.status).toBe(200);
      await sse.waitFor((f) => f.data !== undefined);
      // Heartbeat comments every 500 ms: two within ~1.5 s means nothing holds them back.
      await vi.waitFor(() => expect(sse.comments.filter((c) => c.startsWith(': heartbeat')).length).toBeGreaterThanOrEqual(2), { timeout: 3_000, interval: 50 });
      sse.close();
    });
  });

  it('refuses to start a third node under a NODE_ID a running node uses (both would own its sessions)', async () => {
    await expect(startServer({ mode: 'production', env: { ...cluster.env, ...SIMULATOR, NODE_ID: idB } })).rejects.toThrow(
      new RegExp(`NODE_ID ${idB} is in use by another running node`),
    );
  });

  it('kill -9 of the node running a linked session: B takes it over (RECONNECTING, then CONNECTED) within 30 s; never two owners', async () => {
    const before = watcher.got.events.length;
    expect(await leaseOwner(bot.id)).toBe(idA);
    const killedAt = performance.now();
    await A.kill();

    const after = () => watcher.got.events.slice(before).filter((e) => e.event === 'session_status_changed' && e.payload.botId === bot.id);
    await vi.waitFor(() => expect(after().map((e) => e.payload.status)).toContain('CONNECTED'), { timeout: 30_000, interval: 50 });
    const takeoverMs = Math.round(performance.now() - killedAt);
    console.log(`takeover: kill -9 → CONNECTED on the other node in ${takeoverMs} ms (lease TTL ${cluster.env.SESSION_LEASE_TTL_MS} ms)`);
    expect(takeoverMs).toBeLessThan(30_000);
    const statuses = after().map((e) => e.payload.status);
    expect(statuses.slice(0, 2)).toEqual(['RECONNECTING', 'CONNECTED']);
    expect(after()[0]!.payload).toMatchObject({ reason: 'node_failover' });
    expect(after()[1]!.payload).toMatchObject({ phoneNumber: '15550100100', displayName: 'Front Desk' });
    expect(await leaseOwner(bot.id)).toBe(idB);

    // From the lease history: A's tenure ended (its last renewal ran out) before B's began.
    const history = await leaseHistory(cluster.database.url, bot.id);
    expect(overlappingTenures(history)).toEqual([]);
    expect(history.at(-1)).toMatchObject({ owner: idB, reason: 'takeover', previousOwner: idA, releasedAt: null });
    expect(history.at(-2)).toMatchObject({ owner: idA, releasedAt: null });

    // The session really runs on B now: its simulated phone reconnected from the stored creds.
    const said = await onB.json('POST', `/api/dev/simulator/bots/${bot.id}/messages`, { from: '15550300300', text: 'are you still there?' });
    expect(said.status, JSON.stringify(said.body)).toBe(202);
    await watcher.got.waitFor('new_message', (p) => p.botId === bot.id && (p.message as { body: string }).body === 'are you still there?', 5_000);
    const m = await metricsOf(B.url);
    expect(m.get(`parley_lease_takeovers_total{node="${idB}"}`)).toBe(1);
    expect(m.get(`parley_owned_sessions{node="${idB}"}`)).toBe(1);
  });
});
