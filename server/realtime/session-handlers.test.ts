import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { count, eq } from 'drizzle-orm';
import pino from 'pino';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { authenticate } from '@/lib/auth/authenticate';
import type { Principal } from '@/lib/auth/principal';
import { type DbHandle, getDb, setDbHandle } from '@/lib/db';
import { bots, sessionEvents, whatsappAuth } from '@/lib/db/schema';
import type { SessionSnapshot } from '@/lib/realtime/events';
import { installRealtime, type RealtimeFacade } from '@/lib/realtime/publish';
import { signUp, type SignUpResult } from '@/lib/services/auth/sign-up';
import { connectBot } from '@/lib/services/bots/connect-bot';
import { createBot } from '@/lib/services/bots/create-bot';
import type { BotView } from '@/lib/services/bots/to-bot-view';
import { installSessionControl } from '@/lib/whatsapp/session-control';
import { dialOk as dialAccepted } from '@/test/http-client';
import { setupTestEnv } from '@/test/setup-env';
import { emitAck, recordEvents as record, type AckResult } from '@/test/socket-events';
import { openSse as openSseAt, type SseStream } from '@/test/sse-client';
import { openTestDb } from '@/test/test-db';
import { SessionManager } from '../whatsapp/session-manager';
import { createSimulator } from '../whatsapp/simulator/simulator';
import { createRealtimeServer, type RealtimeServer } from './create-realtime-server';
import { createSseHandler, SSE_PATH } from './sse-handler';
import { SseHub } from './sse-hub';

// The session events of DESIGN section 2 (and the SSE stream of section 4) against a real
// Socket.IO server on port 0, a real session manager driving the simulated phone, and PGlite.

setupTestEnv();

// Short QR lifetimes so a whole rotation (4 refs, then qr_timeout) takes well under a second.
const TIMING = { qrFirstMs: 250, qrNextMs: 120, qrRefs: 4, restartMs: 0 };
const HEARTBEAT_MS = 150;
/** WhatsApp's pairing QR payload: ref, noise key, identity key, adv secret, platform. */
const QR_DATA = /2@[\w+/=]+,[\w+/=]+,[\w+/=]+,[\w+/=]+/;
const log = pino({ level: 'silent' });

type Published = { rooms: string[]; event: string; payload: Record<string, unknown> };

let handle: DbHandle;
let http: Server;
let realtime: RealtimeServer;
let hub: SseHub;
let manager: SessionManager;
let url: string;
let alice: SignUpResult;
let bob: SignUpResult;
let alicePrincipal: Principal;
const published: Published[] = [];
const sockets: Socket[] = [];
const streams: SseStream[] = [];
const managers: SessionManager[] = [];
const extraDbs: DbHandle[] = [];

function makeManager(): SessionManager {
  const { engine, control } = createSimulator(TIMING);
  const m = new SessionManager({ engine, simulator: control, log });
  managers.push(m);
  return m;
}

beforeAll(async () => {
  const db = await openTestDb('pglite');
  handle = db.handle;
  setDbHandle(handle);
  hub = new SseHub();
  const sse = createSseHandler({ hub, heartbeatMs: HEARTBEAT_MS, log });
  http = createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] === SSE_PATH) return void sse(req, res);
    res.statusCode = 404;
    res.end();
  });
  realtime = createRealtimeServer(http, { authenticate, log, sse: hub });
  // Records everything published, then hands it to the real facade (Socket.IO rooms + SSE hub).
  const recording: RealtimeFacade = {
    ...realtime.facade,
    publish(target, event, payload) {
      published.push({ rooms: typeof target === 'string' ? [target] : [...target], event, payload: payload as unknown as Record<string, unknown> });
      realtime.facade.publish(target, event, payload);
    },
  };
  installRealtime(recording);
  manager = makeManager();
  installSessionControl(manager);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  alice = await signUp({ email: 'alice@example.com', password: 'alice-password', name: 'Alice' });
  bob = await signUp({ email: 'bob@example.com', password: 'bob-password', name: 'Bob' });
  alicePrincipal = (await authenticate({ cookieHeader: cookieOf(alice) }))!;
});

afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  for (const s of streams.splice(0)) s.close();
  // The server notices aborted streams asynchronously; each test starts with none open.
  await vi.waitFor(() => expect(hub.clientCount()).toBe(0), { timeout: 2_000, interval: 10 });
});

afterAll(async () => {
  installSessionControl(undefined);
  for (const m of managers) await m.shutdown();
  installRealtime(undefined);
  hub?.closeAll();
  await realtime?.close();
  for (const h of extraDbs) await h.close();
  await handle?.close();
});

const cookieOf = (u: SignUpResult) => `parley_session=${u.session.secret}`;

async function dial(u: SignUpResult): Promise<Socket> {
  const { socket } = await dialAccepted(url, { cookie: cookieOf(u) });
  sockets.push(socket);
  return socket;
}

function ack<T = SessionSnapshot>(socket: Socket, event: string, ...args: unknown[]): Promise<AckResult<T>> {
  return emitAck<T>(socket, event, ...args);
}

async function aliceBot(name: string): Promise<BotView> {
  return createBot({ principal: alicePrincipal, input: { name } });
}

const isIso = (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v)) && v.includes('T');

/** Waits until the server itself has published a first QR for the bot (no subscriber involved). */
async function qrPublished(botId: string, timeout = 4_000): Promise<Record<string, unknown>> {
  return vi.waitFor(
    () => {
      const hit = published.find((p) => p.event === 'qr_code_updated' && p.payload.botId === botId);
      if (!hit) throw new Error('no QR published yet');
      return hit.payload;
    },
    { timeout, interval: 10 },
  );
}

async function credsRows(botId: string): Promise<number> {
  const db = await getDb();
  const [row] = await db.select({ n: count() }).from(whatsappAuth).where(eq(whatsappAuth.botId, botId));
  return row!.n;
}

async function botRow(botId: string) {
  const db = await getDb();
  const [row] = await db.select().from(bots).where(eq(bots.id, botId));
  return row!;
}

describe('QR codes reach subscribers only', () => {
  it('pushes every QR rotation to a subscribed socket, then qr_timeout when the refs run out', async () => {
    const bot = await aliceBot('Rotation');
    const socket = await dial(alice);
    const got = record(socket);

    const sub = await ack(socket, 'subscribe_session', { botId: bot.id });
    expect(sub).toMatchObject({ ok: true, data: { botId: bot.id, status: 'DISCONNECTED' } });
    expect(sub.ok && sub.data.qrCode).toBeUndefined();
    const started = await ack(socket, 'trigger_whatsapp_connection', { botId: bot.id, method: 'qr' });
    expect(started.ok).toBe(true);
    const sessionId = started.ok ? started.data.sessionId : '';
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(started.ok && started.data.status).toBe('STARTING');

    const timeout = await got.waitFor('session_status_changed', (p) => p.botId === bot.id && p.status === 'DISCONNECTED');
    expect(timeout).toMatchObject({ sessionId, reason: 'qr_timeout' });

    const qrs = got.of('qr_code_updated', bot.id);
    expect(qrs.map((q) => q.attempt)).toEqual([1, 2, 3, 4]);
    for (const q of qrs) {
      expect(q).toEqual({
        botId: bot.id,
        sessionId,
        qrCode: expect.stringMatching(QR_DATA),
        status: 'QR_REQUIRED',
        expiresAt: expect.any(String),
        attempt: expect.any(Number),
        timestamp: expect.any(String),
      });
      expect(isIso(q.expiresAt) && isIso(q.timestamp)).toBe(true);
    }
    // Each rotation is a new code with a later expiry.
    expect(new Set(qrs.map((q) => q.qrCode)).size).toBe(4);
    const expiries = qrs.map((q) => Date.parse(q.expiresAt as string));
    expect(expiries).toEqual([...expiries].sort((a, b) => a - b));
    expect(new Set(expiries).size).toBe(4);

    const statuses = got.of('session_status_changed', bot.id).map((p) => p.status);
    expect(statuses).toEqual(['STARTING', 'QR_REQUIRED', 'DISCONNECTED']);
  });

  it('the subscribe snapshot carries a QR that was emitted before the subscription', async () => {
    const bot = await aliceBot('Late subscriber');
    const socket = await dial(alice);
    const got = record(socket);
    const started = await ack(socket, 'trigger_whatsapp_connection', { botId: bot.id, method: 'qr' });
    expect(started.ok).toBe(true);
    const first = await qrPublished(bot.id);
    expect(got.of('qr_code_updated')).toEqual([]); // not subscribed: nothing was delivered

    const sub = await ack(socket, 'subscribe_session', { botId: bot.id });
    expect(sub.ok).toBe(true);
    if (!sub.ok) return;
    expect(sub.data).toMatchObject({ botId: bot.id, sessionId: first.sessionId, status: 'QR_REQUIRED' });
    const shown = published.filter((p) => p.event === 'qr_code_updated' && p.payload.botId === bot.id).map((p) => p.payload.qrCode);
    expect(shown).toContain(sub.data.qrCode);
    expect(isIso(sub.data.qrExpiresAt)).toBe(true);
    expect(Date.parse(sub.data.qrExpiresAt!)).toBeGreaterThan(Date.now() - 50);

    // ...and the rotations after the subscription arrive live.
    const next = await got.waitFor('qr_code_updated', (p) => p.botId === bot.id);
    expect(next.attempt).toBeGreaterThanOrEqual(2);
  });

  it('a scan reports CONNECTED with phone and name to the subscriber, and bot_status_update to the workspace', async () => {
    const bot = await aliceBot('Scanned');
    const subscriber = await dial(alice);
    const dashboard = await dial(alice); // same workspace, not subscribed
    const outsider = await dial(bob);
    const sub = record(subscriber);
    const dash = record(dashboard);
    const out = record(outsider);

    expect((await ack(subscriber, 'subscribe_session', { botId: bot.id })).ok).toBe(true);
    const started = await ack(subscriber, 'trigger_whatsapp_connection', { botId: bot.id, method: 'qr' });
    const sessionId = started.ok ? started.data.sessionId : 'none';
    await sub.waitFor('qr_code_updated', (p) => p.botId === bot.id);

    const phone = manager.simulator!.scan(bot.id, { phoneNumber: '15550001111', displayName: 'Support Phone' });
    expect(phone).toEqual({ phoneNumber: '15550001111', displayName: 'Support Phone' });

    const connected = await sub.waitFor('session_status_changed', (p) => p.botId === bot.id && p.status === 'CONNECTED');
    expect(connected).toEqual({
      botId: bot.id,
      sessionId,
      status: 'CONNECTED',
      phoneNumber: '15550001111',
      displayName: 'Support Phone',
      timestamp: expect.any(String),
    });
    // The accepted scan shows up at once as STARTING(paired), WhatsApp's restart as STARTING(restart_required).
    const statuses = sub.of('session_status_changed', bot.id).map((p) => [p.status, p.reason]);
    expect(statuses).toEqual([
      ['STARTING', undefined],
      ['QR_REQUIRED', undefined],
      ['STARTING', 'paired'],
      ['STARTING', 'restart_required'],
      ['CONNECTED', undefined],
    ]);

    const board = await dash.waitFor('bot_status_update', (p) => p.botId === bot.id && p.status === 'CONNECTED');
    expect(board).toEqual({
      botId: bot.id,
      workspaceId: alice.workspace.id,
      name: 'Scanned',
      status: 'CONNECTED',
      phoneNumber: '15550001111',
      displayName: 'Support Phone',
      stats: {},
      timestamp: expect.any(String),
    });
    await dash.waitFor('session_status_changed', (p) => p.botId === bot.id && p.status === 'CONNECTED');
    expect(dash.of('qr_code_updated')).toEqual([]);
    expect(out.forBot(bot.id)).toEqual([]);

    // The row says so too.
    const row = await botRow(bot.id);
    expect(row).toMatchObject({ status: 'CONNECTED', phoneNumber: '15550001111', displayName: 'Support Phone' });
    expect(row.lastConnectedAt).toBeInstanceOf(Date);
    expect(await credsRows(bot.id)).toBeGreaterThan(0);
  });

  it('another workspace is refused (forbidden) and never sees a QR; a same-workspace socket gets statuses but no QR', async () => {
    const bot = await aliceBot('Private');
    const owner = await dial(alice);
    const teammate = await dial(alice);
    const stranger = await dial(bob);
    const own = record(owner);
    const mate = record(teammate);
    const strange = record(stranger);

    for (const [event, payload] of [
      ['subscribe_session', { botId: bot.id }],
      ['trigger_whatsapp_connection', { botId: bot.id, method: 'qr' }],
      ['disconnect_whatsapp', { botId: bot.id }],
    ] as const) {
      const res = await ack(stranger, event, payload);
      expect(res, event).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.any(String) } });
    }
    // The refused trigger started nothing.
    expect(manager.snapshot(await botRow(bot.id)).status).toBe('DISCONNECTED');

    expect((await ack(owner, 'subscribe_session', { botId: bot.id })).ok).toBe(true);
    expect((await ack(owner, 'trigger_whatsapp_connection', { botId: bot.id, method: 'qr' })).ok).toBe(true);
    // A full rotation, to its end.
    await own.waitFor('session_status_changed', (p) => p.botId === bot.id && p.status === 'DISCONNECTED');
    expect(own.of('qr_code_updated', bot.id)).toHaveLength(TIMING.qrRefs);
    await mate.waitFor('session_status_changed', (p) => p.botId === bot.id && p.status === 'DISCONNECTED');

    expect(strange.forBot(bot.id)).toEqual([]);
    expect(strange.of('qr_code_updated')).toEqual([]);
    expect(mate.of('qr_code_updated')).toEqual([]);
    expect(mate.of('session_status_changed', bot.id).map((p) => p.status)).toEqual(['STARTING', 'QR_REQUIRED', 'DISCONNECTED']);
  });

  it('unsubscribe_session stops QR delivery', async () => {
    const bot = await aliceBot('Unsubscribe');
    const leaving = await dial(alice);
    const staying = await dial(alice);
    const left = record(leaving);
    const stay = record(staying);
    for (const s of [leaving, staying]) expect((await ack(s, 'subscribe_session', { botId: bot.id })).ok).toBe(true);
    expect((await ack(staying, 'trigger_whatsapp_connection', { botId: bot.id, method: 'qr' })).ok).toBe(true);
    await left.waitFor('qr_code_updated', (p) => p.botId === bot.id);

    expect(await ack(leaving, 'unsubscribe_session', { botId: bot.id })).toEqual({ ok: true, data: { botId: bot.id } });
    const seenBefore = left.of('qr_code_updated', bot.id).length;
    await stay.waitFor('session_status_changed', (p) => p.botId === bot.id && p.status === 'DISCONNECTED');
    expect(stay.of('qr_code_updated', bot.id)).toHaveLength(TIMING.qrRefs);
    expect(seenBefore).toBeLessThan(TIMING.qrRefs);
    expect(left.of('qr_code_updated', bot.id)).toHaveLength(seenBefore);
    // Still in the workspace room: the status change itself still arrives.
    await left.waitFor('session_status_changed', (p) => p.botId === bot.id && p.status === 'DISCONNECTED');
  });
});

describe('input handling', () => {
  it('answers malformed payloads with validation_failed and keeps working', async () => {
    const bot = await aliceBot('Malformed');
    const socket = await dial(alice);
    const bad: [string, unknown[]][] = [
      ['subscribe_session', [{}]],
      ['subscribe_session', [{ botId: 'not-a-uuid' }]],
      ['subscribe_session', [42]],
      ['subscribe_session', []],
      ['subscribe_session', [{ botId: 'a'.repeat(60_000) }]],
      ['unsubscribe_session', [{ botId: 7 }]],
      ['trigger_whatsapp_connection', [{ botId: bot.id, method: 'carrier-pigeon' }]],
      ['trigger_whatsapp_connection', [null]],
      ['disconnect_whatsapp', ['botId']],
    ];
    for (const [event, args] of bad) {
      const res = await ack(socket, event, ...args);
      expect(res, `${event} ${JSON.stringify(args).slice(0, 40)}`).toMatchObject({
        ok: false,
        error: { code: 'validation_failed', message: expect.any(String) },
      });
    }
    // Emits without an ack (malformed or not) must not crash anything.
    socket.emit('subscribe_session', { botId: bot.id });
    socket.emit('trigger_whatsapp_connection', 'garbage');
    socket.emit('disconnect_whatsapp');
    // A valid id of no bot is a not_found, and the connection still answers correctly.
    expect(await ack(socket, 'subscribe_session', { botId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await ack(socket, 'subscribe_session', { botId: bot.id })).toMatchObject({ ok: true, data: { botId: bot.id, status: 'DISCONNECTED' } });
    expect(socket.connected).toBe(true);
    expect(manager.snapshot(await botRow(bot.id)).status).toBe('DISCONNECTED');
  });

  it('rate-limits each connection: the 31st event within 10 s gets rate_limited, other connections are unaffected', async () => {
    const socket = await dial(alice);
    const botId = '00000000-0000-4000-8000-000000000001';
    const first = await Promise.all(Array.from({ length: 30 }, () => ack(socket, 'unsubscribe_session', { botId })));
    expect(first.every((r) => r.ok)).toBe(true);
    expect(await ack(socket, 'unsubscribe_session', { botId })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(await ack(socket, 'subscribe_session', { botId })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(socket.connected).toBe(true);
    const other = await dial(alice);
    expect(await ack(other, 'unsubscribe_session', { botId })).toEqual({ ok: true, data: { botId } });
  });
});

describe('connecting and disconnecting', () => {
  it('trigger_whatsapp_connection is idempotent: repeated and concurrent triggers share one session', async () => {
    const bot = await aliceBot('Double click');
    const a = await dial(alice);
    const b = await dial(alice);
    const [one, two] = await Promise.all([
      ack(a, 'trigger_whatsapp_connection', { botId: bot.id, method: 'qr' }),
      ack(b, 'trigger_whatsapp_connection', { botId: bot.id, method: 'qr' }),
    ]);
    const three = await ack(a, 'trigger_whatsapp_connection', { botId: bot.id, method: 'qr' });
    const ids = [one, two, three].map((r) => (r.ok ? r.data.sessionId : r.error.code));
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(1);
    expect((await botRow(bot.id)).sessionId).toBe(ids[0]);
    await manager.logout(await botRow(bot.id)); // stop the rotation
  });

  it('a pairing code without a phone number is validation_failed and starts nothing', async () => {
    const bot = await aliceBot('Pairing');
    const socket = await dial(alice);
    expect(await ack(socket, 'trigger_whatsapp_connection', { botId: bot.id, method: 'pairing_code' })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
    expect(await botRow(bot.id)).toMatchObject({ status: 'DISCONNECTED', sessionId: null });
  });

  it('disconnect_whatsapp logs out: DISCONNECTED with reason user_logout, phone cleared, credentials wiped', async () => {
    const bot = await aliceBot('Logout');
    const socket = await dial(alice);
    const got = record(socket);
    expect((await ack(socket, 'subscribe_session', { botId: bot.id })).ok).toBe(true);
    expect((await ack(socket, 'trigger_whatsapp_connection', { botId: bot.id, method: 'qr' })).ok).toBe(true);
    await got.waitFor('qr_code_updated', (p) => p.botId === bot.id);
    manager.simulator!.scan(bot.id, { phoneNumber: '15550002222', displayName: 'Logout Phone' });
    await got.waitFor('session_status_changed', (p) => p.botId === bot.id && p.status === 'CONNECTED');
    expect(await credsRows(bot.id)).toBeGreaterThan(0);

    const res = await ack(socket, 'disconnect_whatsapp', { botId: bot.id });
    expect(res).toMatchObject({ ok: true, data: { botId: bot.id, status: 'DISCONNECTED' } });
    expect(res.ok && res.data.phoneNumber).toBeUndefined();
    const event = await got.waitFor('session_status_changed', (p) => p.botId === bot.id && p.status === 'DISCONNECTED');
    expect(event).toMatchObject({ reason: 'user_logout' });
    expect(event.phoneNumber).toBeUndefined();

    expect(await credsRows(bot.id)).toBe(0);
    expect(await botRow(bot.id)).toMatchObject({ status: 'DISCONNECTED', statusReason: 'user_logout', phoneNumber: null, displayName: null });
    // Nothing reconnects afterwards.
    await new Promise((r) => setTimeout(r, 150));
    expect(got.of('session_status_changed', bot.id).at(-1)).toMatchObject({ status: 'DISCONNECTED' });
    expect(await credsRows(bot.id)).toBe(0);
  });
});

// --- Server-Sent Events, in process ---

async function openSse(botId: string, opts: { cookie?: string; lastEventId?: number } = {}): Promise<SseStream> {
  const stream = await openSseAt(`${url}${SSE_PATH}?botId=${encodeURIComponent(botId)}`, opts);
  streams.push(stream);
  return stream;
}

const dataFrames = (s: SseStream) => s.frames.filter((f) => f.data);

describe('Server-Sent Events (in process)', () => {
  it('streams session events in order with ids and event names; Last-Event-ID replays exactly the missed ones', async () => {
    const bot = await aliceBot('SSE');
    const stream = await openSse(bot.id, { cookie: cookieOf(alice) });
    const witness = await openSse(bot.id, { cookie: cookieOf(alice) });
    expect(stream.res.status).toBe(200);
    expect(stream.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.res.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(stream.res.headers.get('x-accel-buffering')).toBe('no');

    // Without Last-Event-ID the stream starts from the current state.
    const snap = await stream.waitFor((f) => f.data !== undefined);
    expect(snap).toMatchObject({ id: 0, event: 'status', data: { type: 'status', botId: bot.id, userId: alice.user.id, status: 'DISCONNECTED' } });
    expect(stream.frames[0]).toEqual({ retry: 3000 });

    const started = await connectBot({ principal: alicePrincipal, botId: bot.id, input: { method: 'qr' } });
    const qr = await stream.waitFor((f) => f.event === 'qr_updated');
    expect(qr.data).toEqual({
      type: 'qr_updated',
      botId: bot.id,
      userId: alice.user.id,
      sessionId: started.sessionId,
      qrCode: expect.stringMatching(QR_DATA),
      status: 'QR_REQUIRED',
      timestamp: expect.any(String),
    });
    const lastSeen = qr.id!;
    stream.close();

    // While that client is away: the scan, the restart, the link.
    manager.simulator!.scan(bot.id, { phoneNumber: '15550003333', displayName: 'SSE Phone' });
    const linked = await witness.waitFor((f) => f.event === 'connected');
    expect(linked.data).toEqual({
      type: 'connected',
      botId: bot.id,
      userId: alice.user.id,
      sessionId: started.sessionId,
      status: 'CONNECTED',
      phoneNumber: '15550003333',
      displayName: 'SSE Phone',
      timestamp: expect.any(String),
    });

    // The witness saw everything, in order, with consecutive ids.
    const all = dataFrames(witness).slice(1); // after its snapshot
    expect(all.map((f) => f.id)).toEqual(all.map((_, i) => i + 1));
    const kinds = all.map((f) => `${f.event}:${f.data!.status}`).filter((k, i, arr) => k !== arr[i - 1]);
    expect(kinds).toEqual(['status:STARTING', 'status:QR_REQUIRED', 'qr_updated:QR_REQUIRED', 'status:STARTING', 'connected:CONNECTED']);
    for (const f of all) {
      expect(f.data).toMatchObject({ userId: alice.user.id, botId: bot.id, sessionId: started.sessionId, status: expect.any(String) });
      expect(f.event).toBe(f.data!.type);
      expect(isIso(f.data!.timestamp)).toBe(true);
    }
    expect(all.find((f) => f.data!.status === 'STARTING' && f.data!.reason === 'restart_required')).toBeDefined();

    // Resume: only what came after lastSeen, no snapshot, nothing older.
    const resumed = await openSse(bot.id, { cookie: cookieOf(alice), lastEventId: lastSeen });
    await resumed.waitFor((f) => f.event === 'connected');
    const replay = dataFrames(resumed);
    expect(replay.map((f) => f.id)).toEqual(all.filter((f) => f.id! > lastSeen).map((f) => f.id));
    expect(replay.map((f) => f.data)).toEqual(all.filter((f) => f.id! > lastSeen).map((f) => f.data));
    expect(replay[0]!.id).toBe(lastSeen + 1);
  });

  it('refuses another workspace (403), the unauthenticated (401) and a malformed bot id (422)', async () => {
    const bot = await aliceBot('SSE private');
    const before = hub.clientCount();
    const foreign = await openSse(bot.id, { cookie: cookieOf(bob) });
    expect(foreign.res.status).toBe(403);
    expect(await foreign.res.json()).toMatchObject({ error: { code: 'forbidden' } });
    const anonymous = await openSse(bot.id);
    expect(anonymous.res.status).toBe(401);
    expect(await anonymous.res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const malformed = await openSse('nope', { cookie: cookieOf(alice) });
    expect(malformed.res.status).toBe(422);
    expect(hub.clientCount()).toBe(before);
  });

  it('cleans up on the server when the client aborts, and sends heartbeat comments meanwhile', async () => {
    const bot = await aliceBot('SSE abort');
    const before = hub.clientCount();
    const stream = await openSse(bot.id, { cookie: cookieOf(alice) });
    expect(stream.res.status).toBe(200);
    expect(hub.clientCount()).toBe(before + 1);
    expect(realtime.facade.sseConnectionCount()).toBe(before + 1);
    await vi.waitFor(() => expect(stream.comments.some((c) => c.startsWith(': heartbeat'))).toBe(true), { timeout: HEARTBEAT_MS * 10, interval: 20 });
    stream.close();
    await vi.waitFor(() => expect(hub.clientCount()).toBe(before), { timeout: 2_000, interval: 10 });
  });
});

describe('restart', () => {
  it('restores linked sessions without a scan; a session caught mid-QR links again (a new QR), one whose QR is long gone becomes DISCONNECTED (server_restarted)', async () => {
    // A database of its own, so only this test's bots are in it.
    for (const m of managers) await m.shutdown();
    const fresh = await openTestDb('pglite');
    extraDbs.push(fresh.handle);
    setDbHandle(fresh.handle);
    const carol = await signUp({ email: 'carol@example.com', password: 'carol-password', name: 'Carol' });
    const principal = (await authenticate({ cookieHeader: cookieOf(carol) }))!;
    const linkedBot = await createBot({ principal, input: { name: 'Linked' } });
    const midQrBot = await createBot({ principal, input: { name: 'Mid QR' } });
    const staleQrBot = await createBot({ principal, input: { name: 'Stale QR' } });

    const before = makeManager();
    installSessionControl(before);
    const socket = await dial(carol);
    const got = record(socket);
    for (const b of [linkedBot, midQrBot, staleQrBot]) expect((await ack(socket, 'subscribe_session', { botId: b.id })).ok).toBe(true);
    const first = await ack(socket, 'trigger_whatsapp_connection', { botId: linkedBot.id, method: 'qr' });
    expect(first.ok).toBe(true);
    await got.waitFor('qr_code_updated', (p) => p.botId === linkedBot.id);
    before.simulator!.scan(linkedBot.id, { phoneNumber: '15550004444', displayName: 'Restored Phone' });
    await got.waitFor('session_status_changed', (p) => p.botId === linkedBot.id && p.status === 'CONNECTED');
    expect((await ack(socket, 'trigger_whatsapp_connection', { botId: midQrBot.id, method: 'qr' })).ok).toBe(true);
    const midQr = await got.waitFor('qr_code_updated', (p) => p.botId === midQrBot.id);
    expect((await ack(socket, 'trigger_whatsapp_connection', { botId: staleQrBot.id, method: 'qr' })).ok).toBe(true);
    await got.waitFor('qr_code_updated', (p) => p.botId === staleQrBot.id);

    await before.shutdown();
    installSessionControl(undefined);
    // Shutdown keeps the stored state, so the next boot knows what to restore.
    expect(await botRow(linkedBot.id)).toMatchObject({ status: 'CONNECTED', phoneNumber: '15550004444' });
    expect((await botRow(midQrBot.id)).status).toBe('QR_REQUIRED');
    // The server was down longer than that QR could have lasted.
    await (await getDb()).update(bots).set({ updatedAt: new Date(Date.now() - 10 * 60_000) }).where(eq(bots.id, staleQrBot.id));

    const after = makeManager();
    installSessionControl(after);
    got.events.length = 0;
    expect(await after.restoreAll()).toEqual({ restored: 2, reset: 1 });

    const back = await got.waitFor('session_status_changed', (p) => p.botId === linkedBot.id && p.status === 'CONNECTED');
    expect(back).toMatchObject({ phoneNumber: '15550004444', displayName: 'Restored Phone' });
    expect(back.sessionId).not.toBe(first.ok ? first.data.sessionId : undefined);
    expect(got.of('session_status_changed', linkedBot.id).map((p) => p.status)).toEqual(['STARTING', 'CONNECTED']);
    expect(got.of('qr_code_updated', linkedBot.id)).toEqual([]); // no scan needed
    expect(after.snapshot(await botRow(linkedBot.id))).toMatchObject({ status: 'CONNECTED', phoneNumber: '15550004444' });

    // The QR that was on screen: a new one, which a re-subscribing tab gets.
    const relinked = await got.waitFor('qr_code_updated', (p) => p.botId === midQrBot.id);
    expect(relinked.qrCode).not.toBe(midQr.qrCode);
    expect((await botRow(midQrBot.id)).status).toBe('QR_REQUIRED');
    expect(await ack(socket, 'subscribe_session', { botId: midQrBot.id })).toMatchObject({ ok: true, data: { status: 'QR_REQUIRED', qrCode: relinked.qrCode } });

    expect(await botRow(staleQrBot.id)).toMatchObject({ status: 'DISCONNECTED', statusReason: 'server_restarted' });
    const sub = await ack(socket, 'subscribe_session', { botId: staleQrBot.id });
    expect(sub).toMatchObject({ ok: true, data: { status: 'DISCONNECTED' } });
    expect(got.of('qr_code_updated', staleQrBot.id)).toEqual([]);
    const db = await getDb();
    const [last] = await db.select().from(sessionEvents).where(eq(sessionEvents.botId, staleQrBot.id)).orderBy(sessionEvents.id).then((r) => r.slice(-1));
    expect(last).toMatchObject({ status: 'DISCONNECTED', reason: 'server_restarted' });
  }, 60_000); // a second database and several managers booting: slow on a busy machine
});
