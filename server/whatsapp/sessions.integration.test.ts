import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDb } from '@/lib/db';
import { whatsappAuth } from '@/lib/db/schema';
import { signPayload } from '@/lib/webhooks/signature';
import { type Account, Client, dialOk, signUpAccount } from '@/test/http-client';
import { emitAck, recordEvents } from '@/test/socket-events';
import { type RunningServer, startServer } from '@/test/spawn-server';
import { openSse, type SseStream } from '@/test/sse-client';

// WhatsApp sessions through the real production server (WHATSAPP_ENGINE=simulator): bots REST,
// linking by QR with a live socket, history, the polling fallback, the signed worker webhook,
// SSE, deletion, and restoring linked sessions when the server restarts on the same data.

const WEBHOOK_SECRET = randomBytes(24).toString('hex');
const ENV = {
  WHATSAPP_ENGINE: 'simulator',
  SIMULATOR_QR_FIRST_MS: '8000',
  SIMULATOR_QR_NEXT_MS: '5000',
  SIMULATOR_QR_REFS: '3',
  SIMULATOR_RESTART_MS: '50',
  SSE_HEARTBEAT_MS: '1000',
  WORKER_WEBHOOK_SECRET: WEBHOOK_SECRET,
  // Stored WhatsApp credentials are encrypted with it: the restarted server must have the same.
  APP_SECRET: randomBytes(32).toString('hex'),
};

type BotBody = { id: string; workspaceId: string; name: string; status: string; statusReason: string | null; sessionId: string | null; phoneNumber: string | null; displayName: string | null; channel: string };
type ErrorBody = { error: { code: string; message: string } };
type EventsBody = { events: { sessionId: string; status: string; reason: string | null; phoneNumber: string | null }[]; nextBefore: number | null };

let server: RunningServer;
let restarted: RunningServer | undefined;
const sockets: Socket[] = [];
const streams: SseStream[] = [];
let owner: Account;
let outsider: Account;


async function socketFor(base: string, account: Account) {
  const { socket } = await dialOk(base, { cookie: account.client.cookie });
  sockets.push(socket);
  return { socket, got: recordEvents(socket) };
}

async function createBot(account: Account, name: string): Promise<BotBody> {
  const { status, body } = await account.client.json<BotBody>('POST', '/api/v1/bots', { name });
  expect(status).toBe(201);
  return body;
}

function postWebhook(rawBody: string, signature?: string): Promise<Response> {
  return fetch(`${server.url}/api/v1/webhooks/session-status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { 'x-parley-signature': signature } : {}) },
    body: rawBody,
  });
}

beforeAll(async () => {
  server = await startServer({ mode: 'production', env: ENV });
  owner = await signUpAccount(server.url, 'owner@example.com', 'Olive Owner');
  outsider = await signUpAccount(server.url, 'outsider@example.com', 'Oscar Outsider');
});

afterAll(async () => {
  for (const s of streams) s.close();
  for (const s of sockets) s.close();
  await server?.stop();
  await restarted?.stop();
});

describe('WhatsApp sessions on the real server', () => {
  // Shared along the file: the bot linked in one test is checked by the next ones.
  let linked: BotBody;
  let linkedSession: string;
  let watcher: Awaited<ReturnType<typeof socketFor>>;

  it('bots REST: create 201, list, get, rename; 422, 400, 403 and 404 where they belong', async () => {
    const c = owner.client;
    const created = await c.json<BotBody>('POST', '/api/v1/bots', { name: '  Support bot  ', description: 'Front desk' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      workspaceId: owner.workspaceId,
      name: 'Support bot',
      channel: 'whatsapp_web',
      status: 'DISCONNECTED',
      sessionId: null,
      phoneNumber: null,
    });
    linked = created.body;

    const list = await c.json<{ bots: BotBody[] }>('GET', '/api/v1/bots');
    expect(list.status).toBe(200);
    expect(list.body.bots.map((b) => b.id)).toEqual([linked.id]);
    const one = await c.json<BotBody>('GET', `/api/v1/bots/${linked.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: linked.id, name: 'Support bot' });

    const renamed = await c.json<BotBody>('PATCH', `/api/v1/bots/${linked.id}`, { name: 'Sales bot' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Sales bot');
    expect((await c.json<BotBody>('GET', `/api/v1/bots/${linked.id}`)).body.name).toBe('Sales bot');

    for (const [method, p, body] of [
      ['POST', '/api/v1/bots', { name: '' }],
      ['POST', '/api/v1/bots', { name: 'x'.repeat(81) }],
      ['POST', '/api/v1/bots', { name: 'Cloud', channel: 'telegram' }],
      ['PATCH', `/api/v1/bots/${linked.id}`, { channel: 'cloud_api' }],
      ['PATCH', `/api/v1/bots/${linked.id}`, {}],
    ] as const) {
      const res = await c.json<ErrorBody>(method, p, body);
      expect(res.status, `${method} ${JSON.stringify(body)}`).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const broken = await c.json<ErrorBody>('POST', '/api/v1/bots', '{"name":');
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_json');

    // Another user: forbidden on this bot, and it is not in their list.
    const o = outsider.client;
    expect((await o.json<ErrorBody>('GET', `/api/v1/bots/${linked.id}`)).status).toBe(403);
    expect((await o.json<ErrorBody>('PATCH', `/api/v1/bots/${linked.id}`, { name: 'Mine now' })).status).toBe(403);
    expect((await o.json<ErrorBody>('DELETE', `/api/v1/bots/${linked.id}`)).status).toBe(403);
    expect((await o.json<ErrorBody>('POST', `/api/v1/bots/${linked.id}/connect`, { method: 'qr' })).status).toBe(403);
    expect((await o.json<{ bots: BotBody[] }>('GET', '/api/v1/bots')).body.bots).toEqual([]);
    expect((await c.json<BotBody>('GET', `/api/v1/bots/${linked.id}`)).body).toMatchObject({ name: 'Sales bot', status: 'DISCONNECTED' });

    expect((await c.json<ErrorBody>('GET', `/api/v1/bots/${randomUUID()}`)).status).toBe(404);
    expect((await c.json<ErrorBody>('GET', '/api/v1/bots/not-a-bot')).status).toBe(404);
    expect((await new Client(server.url).json<ErrorBody>('GET', '/api/v1/bots')).status).toBe(401);
  });

  it('links a bot: connect → 202 snapshot, QR over the socket, simulated scan → CONNECTED with phone and name; history newest first', async () => {
    watcher = await socketFor(server.url, owner);
    const sub = await emitAck(watcher.socket, 'subscribe_session', { botId: linked.id });
    expect(sub).toMatchObject({ ok: true, data: { botId: linked.id, status: 'DISCONNECTED' } });

    const connect = await owner.client.json<{ botId: string; sessionId: string; status: string }>('POST', `/api/v1/bots/${linked.id}/connect`, { method: 'qr' });
    expect(connect.status).toBe(202);
    expect(connect.body).toMatchObject({ botId: linked.id, sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'STARTING' });
    linkedSession = connect.body.sessionId;

    const qr = await watcher.got.waitFor('qr_code_updated', (p) => p.botId === linked.id, 10_000);
    expect(qr).toMatchObject({ sessionId: linkedSession, status: 'QR_REQUIRED', attempt: 1, qrCode: expect.any(String), expiresAt: expect.any(String) });

    // Only the owner's workspace may scan it.
    expect((await outsider.client.json('POST', `/api/dev/simulator/bots/${linked.id}/scan`, {})).status).toBe(403);
    const scan = await owner.client.json('POST', `/api/dev/simulator/bots/${linked.id}/scan`, { phoneNumber: '+1 555 010 0100', displayName: 'Front Desk' });
    expect(scan.status).toBe(200);
    expect(scan.body).toEqual({ phoneNumber: '15550100100', displayName: 'Front Desk' });

    const connected = await watcher.got.waitFor('session_status_changed', (p) => p.botId === linked.id && p.status === 'CONNECTED', 10_000);
    expect(connected).toMatchObject({ sessionId: linkedSession, phoneNumber: '15550100100', displayName: 'Front Desk' });
    expect(await watcher.got.waitFor('bot_status_update', (p) => p.botId === linked.id && p.status === 'CONNECTED')).toMatchObject({
      name: 'Sales bot',
      phoneNumber: '15550100100',
      displayName: 'Front Desk',
    });

    const history = await owner.client.json<EventsBody>('GET', `/api/v1/bots/${linked.id}/events`);
    expect(history.status).toBe(200);
    expect(history.body.events.map((e) => [e.status, e.reason])).toEqual([
      ['CONNECTED', null],
      ['STARTING', 'restart_required'],
      ['STARTING', 'paired'],
      ['QR_REQUIRED', null],
      ['STARTING', null],
    ]);
    expect(history.body.events.every((e) => e.sessionId === linkedSession)).toBe(true);
    expect(history.body.events[0]!.phoneNumber).toBe('15550100100');
    expect(history.body.nextBefore).toBeNull();
    const page = await owner.client.json<EventsBody>('GET', `/api/v1/bots/${linked.id}/events?limit=2`);
    expect(page.body.events.map((e) => e.status)).toEqual(['CONNECTED', 'STARTING']);
    expect(page.body.nextBefore).toEqual(expect.any(Number));
    expect((await outsider.client.json('GET', `/api/v1/bots/${linked.id}/events`)).status).toBe(403);

    expect((await owner.client.json<BotBody>('GET', `/api/v1/bots/${linked.id}`)).body).toMatchObject({
      status: 'CONNECTED',
      sessionId: linkedSession,
      phoneNumber: '15550100100',
      displayName: 'Front Desk',
    });
  });

  it('polling fallback: 200 with a strong ETag, 304 on If-None-Match, 429 with Retry-After past 60 a minute (per user)', async () => {
    const poller = await signUpAccount(server.url, 'poller@example.com', 'Polly Poller');
    const bot = await createBot(poller, 'Polled');
    const p = `/api/v1/whatsapp/session-status/${bot.id}`;

    const first = await poller.client.request('GET', p);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/); // strong: no W/
    expect(first.headers.get('cache-control')).toContain('private');
    const snapshot = (await first.json()) as Record<string, unknown>;
    expect(snapshot).toMatchObject({ botId: bot.id, status: 'DISCONNECTED' });
    expect(snapshot.qrCode).toBeUndefined();

    const same = await poller.client.request('GET', p, undefined, { 'if-none-match': etag });
    expect(same.status).toBe(304);
    expect(same.headers.get('etag')).toBe(etag);
    expect(await same.text()).toBe('');
    const stale = await poller.client.request('GET', p, undefined, { 'if-none-match': '"something-else"' });
    expect(stale.status).toBe(200);
    await stale.body?.cancel();

    expect((await outsider.client.request('GET', p)).status).toBe(403);

    const statuses: number[] = [];
    for (let i = 0; i < 57; i++) {
      const res = await poller.client.request('GET', p, undefined, { 'if-none-match': etag });
      statuses.push(res.status);
      await res.body?.cancel();
    }
    expect(new Set(statuses)).toEqual(new Set([304]));
    const limited = await poller.client.request('GET', p, undefined, { 'if-none-match': etag });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as ErrorBody).error.code).toBe('rate_limited');

    // Per user: the owner still polls.
    const others = await owner.client.request('GET', `/api/v1/whatsapp/session-status/${linked.id}`);
    expect(others.status).toBe(200);
    expect(await others.json()).toMatchObject({ status: 'CONNECTED', phoneNumber: '15550100100' });
  });

  it('worker webhook: bad and stale signatures 401 (nothing applied); a valid one applies once and is pushed; a replay is a duplicate; unknown session 404', async () => {
    const raw = JSON.stringify({ sessionId: linkedSession, status: 'RECONNECTING', reason: 'worker_restarting' });
    const now = Math.floor(Date.now() / 1000);
    const forged = `t=${now},v1=${createHmac('sha256', 'not-the-secret-not-the-secret-xx').update(`${now}.${raw}`).digest('hex')}`;

    for (const signature of [undefined, 'garbage', forged, signPayload(WEBHOOK_SECRET, raw.replace('RECONNECTING', 'LOGGED_OUT'))]) {
      const res = await postWebhook(raw, signature);
      expect(res.status, String(signature)).toBe(401);
      expect(((await res.json()) as ErrorBody).error.code).toBe('unauthorized');
    }
    const staleRes = await postWebhook(raw, signPayload(WEBHOOK_SECRET, raw, now - 301));
    expect(staleRes.status).toBe(401);
    expect(((await staleRes.json()) as ErrorBody).error.message).toMatch(/5-minute/);
    expect((await owner.client.json<BotBody>('GET', `/api/v1/bots/${linked.id}`)).body.status).toBe('CONNECTED');
    expect(watcher.got.of('session_status_changed', linked.id).filter((p) => p.status === 'RECONNECTING')).toEqual([]);

    const signature = signPayload(WEBHOOK_SECRET, raw);
    const ok = await postWebhook(raw, signature);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, duplicate: false, status: 'RECONNECTING' });
    const pushed = await watcher.got.waitFor('session_status_changed', (p) => p.botId === linked.id && p.status === 'RECONNECTING');
    expect(pushed).toMatchObject({ sessionId: linkedSession, reason: 'worker_restarting' });

    const replay = await postWebhook(raw, signature);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ ok: true, duplicate: true });
    await new Promise((r) => setTimeout(r, 700));
    expect(watcher.got.of('session_status_changed', linked.id).filter((p) => p.status === 'RECONNECTING')).toHaveLength(1);

    const unknown = JSON.stringify({ sessionId: randomUUID(), status: 'CONNECTED' });
    const missing = await postWebhook(unknown, signPayload(WEBHOOK_SECRET, unknown));
    expect(missing.status).toBe(404);

    const invalid = JSON.stringify({ sessionId: linkedSession, status: 'HAPPY' });
    expect((await postWebhook(invalid, signPayload(WEBHOOK_SECRET, invalid))).status).toBe(422);
  });

  let restorable: BotBody;
  let restorableSession: string;

  it('SSE over the real server: snapshot, then live events as the bot links; 401 without credentials', async () => {
    restorable = await createBot(owner, 'Restorable');
    const sseUrl = `${server.url}/api/v1/whatsapp/connection-events?botId=${restorable.id}`;
    const anonymous = await fetch(sseUrl);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as ErrorBody).error.code).toBe('unauthorized');
    const foreign = await openSse(sseUrl, { cookie: outsider.client.cookie });
    expect(foreign.res.status).toBe(403);

    const stream = await openSse(sseUrl, { cookie: owner.client.cookie });
    streams.push(stream);
    expect(stream.res.status).toBe(200);
    expect(stream.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.res.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(stream.res.headers.get('x-accel-buffering')).toBe('no');
    expect(await stream.waitFor((f) => f.data !== undefined)).toMatchObject({
      id: 0,
      event: 'status',
      data: { botId: restorable.id, userId: owner.userId, status: 'DISCONNECTED' },
    });

    const connect = await owner.client.json<{ sessionId: string }>('POST', `/api/v1/bots/${restorable.id}/connect`, {});
    expect(connect.status).toBe(202);
    restorableSession = connect.body.sessionId;
    const qr = await stream.waitFor((f) => f.event === 'qr_updated', 10_000);
    expect(qr.data).toMatchObject({ type: 'qr_updated', sessionId: restorableSession, status: 'QR_REQUIRED', qrCode: expect.any(String) });
    expect(qr.id).toBeGreaterThan(0);

    const scan = await owner.client.json('POST', `/api/dev/simulator/bots/${restorable.id}/scan`, { phoneNumber: '15550200200', displayName: 'Back Office' });
    expect(scan.status).toBe(200);
    const connected = await stream.waitFor((f) => f.event === 'connected', 10_000);
    expect(connected.data).toMatchObject({
      type: 'connected',
      botId: restorable.id,
      userId: owner.userId,
      sessionId: restorableSession,
      status: 'CONNECTED',
      phoneNumber: '15550200200',
      displayName: 'Back Office',
    });
    const ids = stream.frames.filter((f) => f.data).map((f) => f.id!);
    expect(ids.slice(1)).toEqual(ids.slice(1).map((_, i) => i + 1));
    stream.close();
  });

  let midQr: BotBody;

  it('DELETE removes the bot and its session: 204, then 404 everywhere', async () => {
    const del = await owner.client.request('DELETE', `/api/v1/bots/${linked.id}`);
    expect(del.status).toBe(204);
    expect((await owner.client.json('GET', `/api/v1/bots/${linked.id}`)).status).toBe(404);
    expect((await owner.client.json('GET', `/api/v1/bots/${linked.id}/events`)).status).toBe(404);
    expect((await owner.client.request('DELETE', `/api/v1/bots/${linked.id}`)).status).toBe(404);
    expect((await owner.client.json('POST', `/api/dev/simulator/bots/${linked.id}/scan`, {})).status).toBe(404);
    const list = await owner.client.json<{ bots: BotBody[] }>('GET', '/api/v1/bots');
    expect(list.body.bots.map((b) => b.id)).toEqual([restorable.id]);
    // Its session is gone too: a worker can no longer report on it.
    const raw = JSON.stringify({ sessionId: linkedSession, status: 'CONNECTED' });
    expect((await postWebhook(raw, signPayload(WEBHOOK_SECRET, raw))).status).toBe(404);

    // Left waiting for a scan when the server stops (checked after the restart).
    midQr = await createBot(owner, 'Mid QR');
    expect((await emitAck(watcher.socket, 'subscribe_session', { botId: midQr.id })).ok).toBe(true);
    expect((await owner.client.json('POST', `/api/v1/bots/${midQr.id}/connect`, {})).status).toBe(202);
    await watcher.got.waitFor('qr_code_updated', (p) => p.botId === midQr.id, 10_000);
  });

  it('after a restart on the same data, the linked bot reconnects without a scan; the one caught mid-QR links again (a current QR)', async () => {
    for (const s of sockets.splice(0)) s.close();
    expect(await server.stop()).toBe(0);

    // The deleted bot's credentials are gone; the linked bot's are stored (encrypted) for the restore.
    const db = await openDb({ dataDir: server.dataDir });
    try {
      const creds = async (botId: string) =>
        (await db.db.select({ n: count() }).from(whatsappAuth).where(eq(whatsappAuth.botId, botId)))[0]!.n;
      expect(await creds(linked.id)).toBe(0);
      expect(await creds(restorable.id)).toBeGreaterThan(0);
    } finally {
      await db.close();
    }

    restarted = await startServer({ mode: 'production', env: ENV, dataDir: server.dataDir });
    expect(path.resolve(restarted.dataDir)).toBe(path.resolve(server.dataDir));
    const client = new Client(restarted.url);
    client.cookie = owner.client.cookie; // sessions live in the database, so the cookie still works

    // Restored in the background after boot: a new session id, CONNECTED, same phone.
    const bot = await vi.waitFor(
      async () => {
        const { body } = await client.json<BotBody>('GET', `/api/v1/bots/${restorable.id}`);
        expect(body).toMatchObject({ status: 'CONNECTED', phoneNumber: '15550200200', displayName: 'Back Office' });
        expect(body.sessionId).not.toBe(restorableSession);
        return body;
      },
      { timeout: 20_000, interval: 200 },
    );
    const history = await client.json<EventsBody>('GET', `/api/v1/bots/${restorable.id}/events?limit=2`);
    expect(history.body.events.map((e) => [e.status, e.sessionId])).toEqual([
      ['CONNECTED', bot.sessionId],
      ['STARTING', bot.sessionId],
    ]);
    // A live engine session: the simulated phone can message the bot.
    const msg = await client.json('POST', `/api/dev/simulator/bots/${restorable.id}/messages`, { from: '15550300300', text: 'hello again' });
    expect(msg.status).toBe(202);

    const { socket } = await dialOk(restarted.url, { cookie: client.cookie });
    sockets.push(socket);
    expect(await emitAck(socket, 'subscribe_session', { botId: restorable.id })).toMatchObject({
      ok: true,
      data: { status: 'CONNECTED', sessionId: bot.sessionId, phoneNumber: '15550200200' },
    });
    // Its QR was on screen a moment ago: it links again, so a tab that re-subscribes shows a current QR.
    await vi.waitFor(
      async () => expect((await client.json<BotBody>('GET', `/api/v1/bots/${midQr.id}`)).body).toMatchObject({ status: 'QR_REQUIRED' }),
      { timeout: 10_000, interval: 100 },
    );
    await vi.waitFor(
      async () =>
        expect(await emitAck(socket, 'subscribe_session', { botId: midQr.id })).toMatchObject({
          ok: true,
          data: { status: 'QR_REQUIRED', qrCode: expect.any(String) },
        }),
      { timeout: 10_000, interval: 200 },
    );
  });
});
