import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { StrictMode, type ReactNode } from 'react';
import { io } from 'socket.io-client';
import useSWR from 'swr';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UnifiedWebSocketProvider } from '@/components/realtime/unified-websocket-provider';
import { createEtagFetcher } from '@/lib/api/etag-fetcher';
import type { Credentials } from '@/lib/auth/authenticate';
import type { Principal } from '@/lib/auth/principal';
import { bots, type Bot } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import type { ClientSocket, ConnectionStoreOptions, TokenGrant } from '@/lib/realtime/connection-store';
import type { SessionSnapshot, SessionStatus } from '@/lib/realtime/events';
import { installRealtime, publish } from '@/lib/realtime/publish';
import { installSessionControl, type SessionControl } from '@/lib/whatsapp/session-control';
import { createRealtimeServer, type RealtimeServer } from '@/server/realtime/create-realtime-server';
import { setupBotsDb } from '@/test/bots-db';
import { setupTestEnv } from '@/test/setup-env';
import { useConnectionStatus } from './use-connection-status';
import { useFallbackInterval } from './use-fallback-interval';
import { useUnifiedWebSocket, type UnifiedWebSocketHandlers } from './use-unified-websocket';

// useUnifiedWebSocket through the real provider and real socket.io-client, against our own
// realtime server in process (a token table standing in for the database-backed authenticate),
// with the real findBot on PGlite behind `subscribe_session` and a session manager stand-in
// that only answers snapshots.

setupTestEnv();
// PGlite's first open can take a while on a busy machine.
vi.setConfig({ hookTimeout: 60_000, testTimeout: 30_000 });

// Captured before any test fakes timers: real waiting while the fake clock stands still.
const realSetTimeout = globalThis.setTimeout;
const sleep = (ms: number) => new Promise<void>((r) => realSetTimeout(r, ms));

const db = setupBotsDb('Hook tests');

let http: HttpServer;
let realtime: RealtimeServer;
let url: string;
let workspaceId: string;
let botId: string;
let principal: Principal;

/** Handshakes that reached authenticate (refresh_token calls are counted apart). */
let handshakes = 0;
/** Raw WebSocket upgrades on the http server: engine-level connections. */
let upgrades = 0;
/** While set, authenticate fails the way a database outage does ('unavailable'). */
let refusing = false;
/** Short-lived tokens (case 6): token → expiry. 'good' never expires. */
const expiring = new Map<string, Date>();
const refreshes: { token: string; at: number }[] = [];
/** GET /api/status requests served, and what they answer. */
let statusRequests = 0;
let statusVersion = 1;

const snapshots = new Map<string, SessionSnapshot>();

// The session manager lives in the custom server; subscribe only asks it for snapshots.
const fakeSessions: SessionControl = {
  engineName: 'simulator',
  snapshot: (bot: Bot) => snapshots.get(bot.id) ?? { botId: bot.id, sessionId: '', status: 'DISCONNECTED' },
  liveSnapshot: async (bot: Bot) => snapshots.get(bot.id) ?? { botId: bot.id, sessionId: '', status: 'DISCONNECTED' },
  connect: () => Promise.reject(new AppError('service_unavailable', 'not in this test')),
  logout: () => Promise.reject(new AppError('service_unavailable', 'not in this test')),
  remove: () => Promise.resolve(),
  applyExternal: () => Promise.reject(new AppError('service_unavailable', 'not in this test')),
};

async function authenticate(creds: Credentials): Promise<Principal | null> {
  // The handshake middleware passes the cookie header too; refresh_token passes only the token.
  const handshake = 'cookieHeader' in creds;
  if (handshake) handshakes += 1;
  else refreshes.push({ token: String(creds.token), at: Date.now() });
  if (refusing) throw new Error('database is down');
  if (creds.token === 'good') return principal;
  const expiresAt = creds.token ? expiring.get(creds.token) : undefined;
  if (expiresAt && expiresAt.getTime() > Date.now()) return { ...principal, expiresAt };
  return null;
}

beforeAll(async () => {
  botId = await db.newBot();
  const [row] = await db.handle.db.select().from(bots).where(eq(bots.id, botId));
  workspaceId = row!.workspaceId;
  principal = { userId: 'u1', sessionId: 's1', via: 'token', memberships: [{ workspaceId, role: 'owner' }] };

  http = createServer((req, res) => {
    if ((req.url ?? '').startsWith('/api/status')) {
      statusRequests += 1;
      const etag = `"v${statusVersion}"`;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', etag }).end(JSON.stringify({ version: statusVersion }));
      return;
    }
    res.writeHead(404).end();
  });
  realtime = createRealtimeServer(http, { log: pino({ level: 'silent' }), authenticate });
  http.on('upgrade', () => (upgrades += 1));
  installRealtime(realtime.facade);
  installSessionControl(fakeSessions);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterEach(async () => {
  cleanup();
  // Each test starts with no socket left over from the last one.
  await vi.waitFor(() => expect(realtime.facade.connectionCount()).toBe(0), { timeout: 5_000, interval: 20 });
  vi.useRealTimers();
  refusing = false;
  snapshots.clear();
});

afterAll(async () => {
  installSessionControl(undefined);
  installRealtime(undefined);
  await realtime?.close();
});

function wrapperFor(options: ConnectionStoreOptions) {
  const fetcher = createEtagFetcher({ base: url });
  return function Wrapper({ children }: { children: ReactNode }) {
    return (
      <StrictMode>
        <UnifiedWebSocketProvider options={options} fetcher={fetcher}>
          {children}
        </UnifiedWebSocketProvider>
      </StrictMode>
    );
  };
}

const goodToken = () => wrapperFor({ url, auth: { token: 'good' } });

function renderSocket(handlers: UnifiedWebSocketHandlers = {}) {
  return renderHook((h: UnifiedWebSocketHandlers) => useUnifiedWebSocket(h), { wrapper: goodToken(), initialProps: handlers });
}

const ts = () => new Date().toISOString();
const statusEvent = (status: SessionStatus) => ({ botId, sessionId: 'sess-1', status, timestamp: ts() });
const qrEvent = (qrCode: string, attempt = 1) => ({
  botId,
  sessionId: 'sess-1',
  qrCode,
  status: 'QR_REQUIRED' as const,
  expiresAt: new Date(Date.now() + 20_000).toISOString(),
  attempt,
  timestamp: ts(),
});
const sessionRoom = () => `session:${botId}`;
const workspaceRoom = () => `workspace:${workspaceId}`;

async function roomSize(room: string): Promise<number> {
  return (await realtime.io.in(room).fetchSockets()).length;
}

describe('useUnifiedWebSocket: one connection', () => {
  it('opens exactly one handshake and one engine connection under StrictMode, and reports isConnected', async () => {
    handshakes = 0;
    upgrades = 0;
    const { result } = renderSocket();
    expect(result.current.isConnected).toBe(false);
    await waitFor(() => expect(result.current.isConnected).toBe(true));
    expect(result.current.transport).toBe('websocket');
    await sleep(200); // a second (StrictMode) connection would have shown up by now
    expect(handshakes).toBe(1);
    expect(upgrades).toBe(1);
    expect(realtime.facade.connectionCount()).toBe(1);
  });

  it('keeps the connection when re-rendered with new handlers, and calls the newest one', async () => {
    const first = vi.fn();
    const { result, rerender } = renderSocket({ onBotStatusUpdate: first });
    await waitFor(() => expect(result.current.isConnected).toBe(true));
    await sleep(100);
    const before = { handshakes, upgrades };

    const second = vi.fn();
    rerender({ onBotStatusUpdate: second });
    rerender({ onBotStatusUpdate: second });
    const payload = { botId, workspaceId, name: 'Renamed', status: 'CONNECTED' as const, stats: {}, timestamp: ts() };
    act(() => {
      publish(workspaceRoom(), 'bot_status_update', payload);
    });
    await waitFor(() => expect(second).toHaveBeenCalledWith(payload));
    expect(second).toHaveBeenCalledTimes(1);
    expect(first).not.toHaveBeenCalled();
    expect({ handshakes, upgrades }).toEqual(before);
    expect(realtime.facade.connectionCount()).toBe(1);
  });
});

describe('useUnifiedWebSocket: handler mapping', () => {
  it('routes session status, QR, bot status and message events to the right handlers', async () => {
    const h = {
      onWhatsAppConnected: vi.fn(),
      onWhatsAppDisconnected: vi.fn(),
      onConnectionFailed: vi.fn(),
      onConnectionUpdate: vi.fn(),
      onQRUpdated: vi.fn(),
      onBotStatusUpdate: vi.fn(),
      onMessageSync: vi.fn(),
    };
    const { result } = renderSocket(h);
    await waitFor(() => expect(result.current.isConnected).toBe(true));

    const connected = statusEvent('CONNECTED');
    const starting = statusEvent('STARTING');
    const failed = statusEvent('ERROR');
    const loggedOut = statusEvent('LOGGED_OUT');
    const disconnected = statusEvent('DISCONNECTED');
    for (const p of [connected, starting, failed, loggedOut, disconnected]) publish(workspaceRoom(), 'session_status_changed', p);
    await waitFor(() => expect(h.onConnectionUpdate).toHaveBeenCalledTimes(5));
    expect(h.onConnectionUpdate.mock.calls.map(([p]) => p)).toEqual([connected, starting, failed, loggedOut, disconnected]);
    expect(h.onWhatsAppConnected.mock.calls).toEqual([[connected]]);
    expect(h.onConnectionFailed.mock.calls).toEqual([[failed]]);
    expect(h.onWhatsAppDisconnected.mock.calls).toEqual([[loggedOut], [disconnected]]);

    const bot = { botId, workspaceId, name: 'Bot', status: 'QR_REQUIRED' as const, stats: { messages: 3 }, timestamp: ts() };
    publish(workspaceRoom(), 'bot_status_update', bot);
    await waitFor(() => expect(h.onBotStatusUpdate.mock.calls).toEqual([[bot]]));

    const message = {
      conversationId: 'c1',
      botId,
      message: {
        id: 'm1',
        seq: 1,
        conversationId: 'c1',
        externalId: 'wa-1',
        direction: 'in' as const,
        type: 'text',
        body: 'hello',
        status: 'delivered' as const,
        author: 'contact' as const,
        authorUserId: null,
        error: null,
        createdAt: ts(),
        updatedAt: ts(),
      },
      timestamp: ts(),
    };
    publish(workspaceRoom(), 'new_message', message);
    await waitFor(() => expect(h.onMessageSync.mock.calls).toEqual([[{ type: 'new_message', payload: message }]]));

    // A QR code is a credential: it reaches this tab only once it has joined the session room.
    publish(sessionRoom(), 'qr_code_updated', qrEvent('qr-before'));
    await sleep(200);
    expect(h.onQRUpdated).not.toHaveBeenCalled();
    await act(() => result.current.subscribeSession(botId));
    const qr = qrEvent('qr-after');
    publish(sessionRoom(), 'qr_code_updated', qr);
    await waitFor(() => expect(h.onQRUpdated.mock.calls).toEqual([[qr]]));
    // Nothing was delivered twice or to the wrong handler.
    expect(h.onWhatsAppConnected).toHaveBeenCalledTimes(1);
    expect(h.onBotStatusUpdate).toHaveBeenCalledTimes(1);
    expect(h.onMessageSync).toHaveBeenCalledTimes(1);
  });
});

describe('useUnifiedWebSocket: session subscriptions survive reconnects', () => {
  it('re-joins the session room after the server drops the socket, with a fresh snapshot; unsubscribe leaves it', async () => {
    snapshots.set(botId, { botId, sessionId: 'sess-1', status: 'QR_REQUIRED', qrCode: 'qr-1' });
    const h = { onQRUpdated: vi.fn(), onSessionSnapshot: vi.fn(), onReconnect: vi.fn() };
    const { result } = renderSocket(h);
    await waitFor(() => expect(result.current.isConnected).toBe(true));

    let snap: SessionSnapshot | undefined;
    await act(async () => {
      snap = await result.current.subscribeSession(botId);
    });
    expect(snap).toEqual({ botId, sessionId: 'sess-1', status: 'QR_REQUIRED', qrCode: 'qr-1' });
    expect(await roomSize(sessionRoom())).toBe(1);
    expect(h.onSessionSnapshot.mock.calls).toEqual([[snap]]);
    publish(sessionRoom(), 'qr_code_updated', qrEvent('qr-1'));
    await waitFor(() => expect(h.onQRUpdated).toHaveBeenCalledTimes(1));
    expect(h.onReconnect).not.toHaveBeenCalled();

    // The server drops every socket; while the tab is away the session moves on.
    const [before] = await realtime.io.fetchSockets();
    act(() => realtime.io.disconnectSockets(true));
    await waitFor(() => expect(result.current.isConnected).toBe(false));
    snapshots.set(botId, { botId, sessionId: 'sess-1', status: 'QR_REQUIRED', qrCode: 'qr-2' });

    await waitFor(() => expect(result.current.isConnected).toBe(true), { timeout: 5_000 });
    // The fresh snapshot is the catch-up for what happened while down.
    await waitFor(() => expect(h.onSessionSnapshot).toHaveBeenCalledTimes(2));
    expect(h.onSessionSnapshot.mock.calls[1]).toEqual([{ botId, sessionId: 'sess-1', status: 'QR_REQUIRED', qrCode: 'qr-2' }]);
    const [after] = await realtime.io.in(sessionRoom()).fetchSockets();
    expect(after?.id).toBeDefined();
    expect(after!.id).not.toBe(before!.id); // a new connection, which joined on its own

    const qr2 = qrEvent('qr-2', 2);
    publish(sessionRoom(), 'qr_code_updated', qr2);
    await waitFor(() => expect(h.onQRUpdated).toHaveBeenCalledTimes(2));
    expect(h.onQRUpdated.mock.calls[1]).toEqual([qr2]);
    expect(h.onReconnect).toHaveBeenCalledTimes(1);
    expect(h.onReconnect).toHaveBeenCalledWith({ reconnect: true, recovered: false });

    act(() => result.current.unsubscribeSession(botId));
    await waitFor(async () => expect(await roomSize(sessionRoom())).toBe(0));
    expect(realtime.facade.connectionCount()).toBe(1);
    publish(sessionRoom(), 'qr_code_updated', qrEvent('qr-3', 3));
    await sleep(200);
    expect(h.onQRUpdated).toHaveBeenCalledTimes(2);
    expect(h.onReconnect).toHaveBeenCalledTimes(1);
  });
});

describe('useUnifiedWebSocket: connection state recovery', () => {
  it('a dropped connection that comes back within 2 minutes is recovered: what was published meanwhile arrives, and the reconnect says so (no refetch needed)', async () => {
    const h = { onBotStatusUpdate: vi.fn(), onReconnect: vi.fn() };
    const { result } = renderSocket(h);
    await waitFor(() => expect(result.current.isConnected).toBe(true));
    // One event first: the client resumes from the offset of the last one it got.
    const before = { botId, workspaceId, name: 'Before the drop', status: 'CONNECTED' as const, stats: {}, timestamp: ts() };
    publish(workspaceRoom(), 'bot_status_update', before);
    await waitFor(() => expect(h.onBotStatusUpdate).toHaveBeenCalledTimes(1));

    // The network drops the connection (not the server deciding to close it).
    const [server] = [...realtime.io.of('/').sockets.values()];
    act(() => server!.conn.close());
    await waitFor(() => expect(result.current.isConnected).toBe(false));
    const meanwhile = { ...before, name: 'While the tab was away', timestamp: ts() };
    publish(workspaceRoom(), 'bot_status_update', meanwhile);

    await waitFor(() => expect(result.current.isConnected).toBe(true), { timeout: 5_000 });
    await waitFor(() => expect(h.onBotStatusUpdate).toHaveBeenCalledTimes(2));
    expect(h.onBotStatusUpdate.mock.calls[1]).toEqual([meanwhile]);
    expect(h.onReconnect).toHaveBeenCalledWith({ reconnect: true, recovered: true });
    const [again] = [...realtime.io.of('/').sockets.values()];
    expect(again!.recovered).toBe(true);
    expect(again!.id).toBe(server!.id);
  });
});

// ── Fake time with real sockets ───────────────────────────────────────────────────────────
// Only the timer functions and Date are faked; network I/O, setImmediate and microtasks stay
// real, so the client and the in-process server keep talking while time jumps.

function fakeTime(opts: { date: boolean }) {
  const timers = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] as const;
  vi.useFakeTimers({ shouldAdvanceTime: true, toFake: opts.date ? [...timers, 'Date'] : [...timers] });
}

/** Moves the clock in small steps, letting real I/O (pings, pongs, handshakes, fetches) flow between them. */
async function advance(ms: number, step = 250): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    await act(async () => {
      await vi.advanceTimersByTimeAsync(Math.min(step, ms - done));
    });
    await sleep(5);
  }
}

/** Waits in real time (the fake clock only drifts along) until the condition holds. */
async function until(cond: () => boolean, what: string, ms = 3_000): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await act(async () => {
      await sleep(10);
    });
  }
}

/** Steps the clock until the condition holds (at most `limit` ms of fake time). */
async function advanceUntil(cond: () => boolean, what: string, limit: number, step = 250): Promise<void> {
  for (let done = 0; !cond(); done += step) {
    if (done >= limit) throw new Error(`${what} did not happen within ${limit} ms`);
    await advance(step, step);
  }
}

function usePolledView(key: string) {
  const { status } = useConnectionStatus();
  const refreshInterval = useFallbackInterval(5_000);
  const { data } = useSWR<{ version: number }>(key, { refreshInterval });
  const ws = useUnifiedWebSocket({});
  return { status, refreshInterval, data, isConnected: ws.isConnected };
}

describe('fallback polling', () => {
  it('makes no requests while connected, polls every 5 s once offline for 10 s, and stops with one catch-up on reconnect', async () => {
    // engine.io's heartbeat runs on real timers on the server (node:timers), so the client's
    // heartbeat must too, or a jump of the fake clock would look like a dead server. Everything
    // Parley decides (offline after 10 s, its retries, SWR's polling) runs on the fake clock.
    fakeTime({ date: false });
    const createSocket: ConnectionStoreOptions['createSocket'] = (u, o) => io(u!, { ...o, useNativeTimers: true }) as ClientSocket;
    const key = `/api/status?view=${Math.random()}`;
    statusRequests = 0;
    const { result } = renderHook(() => usePolledView(key), { wrapper: wrapperFor({ url, auth: { token: 'good' }, createSocket }) });
    await until(() => result.current.isConnected && result.current.data !== undefined, 'first load');
    await sleep(50);
    expect(statusRequests).toBe(1);
    expect(result.current.refreshInterval).toBe(0);

    // Healthy socket: a minute of an open tab costs zero requests (and the socket survives pings).
    const handshakesBefore = handshakes;
    await advance(60_000, 1_000);
    expect(handshakes).toBe(handshakesBefore);
    expect(statusRequests).toBe(1);
    expect(result.current.status).toBe('connected');
    expect(realtime.facade.connectionCount()).toBe(1);

    // The server goes away: every socket dropped, every new handshake refused as 'unavailable'.
    refusing = true;
    act(() => realtime.io.disconnectSockets(true));
    await until(() => result.current.status === 'reconnecting', 'reconnecting');
    const handshakesWhenDown = handshakes;
    await advance(9_000);
    expect(result.current.status).toBe('reconnecting');
    expect(handshakes).toBeGreaterThan(handshakesWhenDown); // it kept retrying meanwhile
    expect(statusRequests).toBe(1); // not offline yet: no polling
    await advanceUntil(() => result.current.status === 'offline', 'offline', 1_500);
    expect(result.current.refreshInterval).toBe(5_000);

    // Offline: one request per 5 s.
    await advance(4_000);
    expect(statusRequests).toBe(1);
    await advanceUntil(() => statusRequests === 2, 'first poll', 1_500);
    await advance(3_000);
    expect(statusRequests).toBe(2);
    await advanceUntil(() => statusRequests === 3, 'second poll', 2_500);
    await advance(3_000);
    expect(statusRequests).toBe(3);
    await advanceUntil(() => statusRequests === 4, 'third poll', 2_500);
    expect(realtime.facade.connectionCount()).toBe(0);

    // Right after a poll (the next is ≥ 5 s away) the server accepts again; the client's retry
    // (every 2–3 s) gets in before the next poll would have.
    statusVersion += 1;
    refusing = false;
    await advanceUntil(() => result.current.status === 'connected', 'reconnect', 4_000, 100);
    expect(result.current.refreshInterval).toBe(0);
    // Exactly one catch-up revalidation, which brings the new data.
    await until(() => statusRequests === 5, 'catch-up revalidation');
    await until(() => result.current.data?.version === statusVersion, 'fresh data');
    await advance(30_000, 1_000);
    expect(statusRequests).toBe(5);
    expect(result.current.status).toBe('connected');
  });
});

describe('token refresh', () => {
  it('hands the live socket a new token before the first one expires, without reconnecting', async () => {
    // Date too: expiry is wall-clock time on both ends. 16 s of fake time stays well inside
    // engine.io's 45 s heartbeat window, so the heartbeat needs no special care here.
    fakeTime({ date: true });
    let issued = 0;
    const grant = (ms: number): TokenGrant => {
      issued += 1;
      const token = `short-${issued}-${Math.random()}`;
      const expiresAt = new Date(Date.now() + ms);
      expiring.set(token, expiresAt);
      return { token, expiresAt: expiresAt.toISOString() };
    };
    // The handshake only uses a token with more than 5 s left, so the first lives for 8 s.
    const initialToken = grant(8_000);
    const firstExpiry = Date.parse(initialToken.expiresAt);
    const getToken = vi.fn(async () => grant(8_000));
    refreshes.length = 0;
    handshakes = 0;

    const { result } = renderHook(() => useUnifiedWebSocket({ onReconnect: vi.fn() }), {
      wrapper: wrapperFor({ url, initialToken, getToken }),
    });
    await until(() => result.current.isConnected, 'connected');
    expect(handshakes).toBe(1);
    expect(getToken).not.toHaveBeenCalled(); // the page's token was good enough
    const [socket] = await realtime.io.fetchSockets();
    const socketId = socket!.id;

    // Past the first token's expiry (8 s): refreshed in band, before the deadline.
    await advanceUntil(() => refreshes.length === 1, 'refresh_token', 8_000);
    expect(getToken).toHaveBeenCalledTimes(1);
    expect(refreshes[0]!.at).toBeLessThan(firstExpiry);
    expect(refreshes[0]!.token).not.toBe(initialToken.token);
    await advance(Math.max(0, firstExpiry - Date.now()) + 2_000);
    expect(Date.now()).toBeGreaterThan(firstExpiry + 1_000);
    expect(result.current.isConnected).toBe(true);
    expect(handshakes).toBe(1);
    expect((await realtime.io.fetchSockets()).map((s) => s.id)).toEqual([socketId]);

    // And again for the second token: a long-lived tab keeps one socket.
    await advance(6_000);
    expect(refreshes.length).toBe(2);
    expect(getToken).toHaveBeenCalledTimes(2);
    expect(result.current.isConnected).toBe(true);
    expect(handshakes).toBe(1);
    expect((await realtime.io.fetchSockets()).map((s) => s.id)).toEqual([socketId]);
  });

  it('with a sign-in provider’s token source (Clerk/Firebase): the handshake takes its cached token, each refresh forces a new one, and a sign-out stops the socket', async () => {
    fakeTime({ date: true });
    let issued = 0;
    let signedOut = false;
    // Like getIdToken(force) / getToken({ skipCache }): the same token until forced or expired.
    let current: TokenGrant | undefined;
    const getToken = vi.fn(async ({ forceRefresh }: { forceRefresh: boolean }): Promise<TokenGrant> => {
      if (signedOut) throw new AppError('unauthorized', 'Signed out at the provider.');
      if (!current || forceRefresh || Date.parse(current.expiresAt) <= Date.now()) {
        issued += 1;
        const token = `provider-${issued}-${Math.random()}`;
        const expiresAt = new Date(Date.now() + 8_000);
        expiring.set(token, expiresAt);
        current = { token, expiresAt: expiresAt.toISOString() };
      }
      return current;
    });
    refreshes.length = 0;
    handshakes = 0;

    const { result } = renderHook(() => useConnectionStatus(), { wrapper: wrapperFor({ url, getToken }) });
    await until(() => result.current.status === 'connected', 'connected');
    expect(getToken.mock.calls).toEqual([[{ forceRefresh: false }]]);
    const firstExpiry = Date.parse(current!.expiresAt);

    await advanceUntil(() => refreshes.length === 1, 'refresh_token', 8_000);
    expect(getToken.mock.calls.slice(1)).toEqual([[{ forceRefresh: true }]]);
    expect(refreshes[0]!.at).toBeLessThan(firstExpiry);
    expect(refreshes[0]!.token).toBe(current!.token);
    expect(handshakes).toBe(1);

    // Signed out at the provider: the next refresh fails as unauthorized and the socket closes.
    signedOut = true;
    await advanceUntil(() => result.current.status === 'unauthorized', 'unauthorized', 8_000);
    expect(handshakes).toBe(1);
    await vi.waitFor(() => expect(realtime.facade.connectionCount()).toBe(0));
  });
});
