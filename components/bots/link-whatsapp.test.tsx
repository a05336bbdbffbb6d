import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as afterIo } from 'node:timers';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { StrictMode } from 'react';
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConnectionIndicator } from '@/components/realtime/connection-indicator';
import { UnifiedWebSocketProvider } from '@/components/realtime/unified-websocket-provider';
import { createEtagFetcher } from '@/lib/api/etag-fetcher';
import type { Principal } from '@/lib/auth/principal';
import { bots, type Bot } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import type { ClientSocket, ConnectionStoreOptions } from '@/lib/realtime/connection-store';
import { compact, nowIso, rooms, type SessionSnapshot, type SessionStatus } from '@/lib/realtime/events';
import { installRealtime, publish } from '@/lib/realtime/publish';
import { publishBotStatus } from '@/lib/services/bots/publish-bot';
import { installSessionControl, type ConnectMethod, type SessionControl } from '@/lib/whatsapp/session-control';
import { createRealtimeServer, type RealtimeServer } from '@/server/realtime/create-realtime-server';
import { setupBotsDb } from '@/test/bots-db';
import { setupTestEnv } from '@/test/setup-env';
import { LinkWhatsApp } from './link-whatsapp';

// The link step as a user drives it: the real LinkWhatsApp, store and sync hook, the real provider
// and socket.io-client, against our realtime server in process with the real session handlers and
// findBot on PGlite. Only the session manager is a stand-in: it publishes what the real one
// (server/whatsapp/session-manager.ts) publishes, in the same order, to the same rooms.

const router = vi.hoisted(() => ({ push: vi.fn(), replace: vi.fn(), refresh: vi.fn(), back: vi.fn(), forward: vi.fn(), prefetch: vi.fn() }));
vi.mock('next/navigation', () => ({ useRouter: () => router }));

setupTestEnv();
// PGlite's first open can take a while on a busy machine.
vi.setConfig({ hookTimeout: 60_000, testTimeout: 30_000 });

// Captured before any test fakes timers: real waiting while the fake clock stands still.
const realSetTimeout = globalThis.setTimeout;
const sleep = (ms: number) => new Promise<void>((r) => realSetTimeout(r, ms));

const db = setupBotsDb('Link step tests');

// ── The session manager stand-in ─────────────────────────────────────────────────────────

interface Live {
  botId: string;
  workspaceId: string;
  name: string;
  sessionId: string;
  method: ConnectMethod;
  phoneForPairing?: string;
  status: SessionStatus;
  reason?: string;
  phoneNumber?: string;
  displayName?: string;
  qr?: { code: string; expiresAt: Date; attempt: number };
  pairing?: { code: string; expiresAt: Date };
  /** An engine is attached (the real manager's `live.engine`). */
  running: boolean;
  chain: Promise<void>;
}

const ACTIVE: readonly SessionStatus[] = ['STARTING', 'QR_REQUIRED', 'CONNECTED', 'RECONNECTING'];

/**
 * The manager's live state and publish order without Baileys: `connect()` answers with the
 * snapshot, then (a hop later, where the real one writes the database) publishes STARTING and
 * the first QR or pairing code. The `engine` methods are what Baileys would report next.
 */
class FakeSessions implements SessionControl {
  readonly engineName = 'simulator' as const;
  readonly connects: { botId: string; method: ConnectMethod; phoneNumber?: string }[] = [];
  readonly logouts: string[] = [];
  private readonly live = new Map<string, Live>();

  snapshot(bot: Bot): SessionSnapshot {
    const live = this.live.get(bot.id);
    if (!live) return compact({ botId: bot.id, sessionId: bot.sessionId ?? '', status: bot.status });
    const showing = live.status === 'QR_REQUIRED';
    return compact({
      botId: live.botId,
      sessionId: live.sessionId,
      status: live.status,
      qrCode: showing ? live.qr?.code : undefined,
      qrExpiresAt: showing ? live.qr?.expiresAt.toISOString() : undefined,
      pairingCode: showing ? live.pairing?.code : undefined,
      phoneNumber: live.phoneNumber,
      displayName: live.displayName,
    });
  }

  async liveSnapshot(bot: Bot): Promise<SessionSnapshot> {
    return this.snapshot(bot);
  }

  async connect(bot: Bot, opts: { method: ConnectMethod; phoneNumber?: string }): Promise<SessionSnapshot> {
    this.connects.push({ botId: bot.id, ...opts });
    const current = this.live.get(bot.id);
    if (current?.running && ACTIVE.includes(current.status)) {
      const same = current.method === opts.method && current.phoneForPairing === opts.phoneNumber;
      if (current.status === 'CONNECTED' || same) return this.snapshot(bot);
      current.running = false;
    }
    const live: Live = {
      botId: bot.id,
      workspaceId: bot.workspaceId,
      name: bot.name,
      sessionId: randomUUID(),
      method: opts.method,
      phoneForPairing: opts.phoneNumber,
      status: bot.status,
      running: true,
      chain: current?.chain ?? Promise.resolve(),
    };
    this.live.set(bot.id, live);
    this.setStatus(live, 'STARTING', {});
    this.enqueue(live, async () => {
      if (opts.method === 'pairing_code') this.engine.pairingCode(bot.id, 'ABCDEFGH');
      else this.engine.qr(bot.id);
    });
    return this.snapshot(bot);
  }

  async logout(bot: Bot): Promise<SessionSnapshot> {
    this.logouts.push(bot.id);
    const live = this.live.get(bot.id);
    if (!live) return this.snapshot(bot);
    live.running = false;
    this.setStatus(live, 'DISCONNECTED', { reason: 'user_logout' }, { clearPhone: true });
    await live.chain;
    return this.snapshot(bot);
  }

  remove = () => Promise.resolve();
  applyExternal = () => Promise.reject(new AppError('service_unavailable', 'not in this test'));

  /** What the engine reports; each goes out after everything reported before it. */
  readonly engine = {
    qr: (botId: string): string => {
      const live = this.current(botId);
      const attempt = (live.qr?.attempt ?? 0) + 1;
      const code = `2@${randomUUID()},${attempt}`;
      // First QR ~60 s, then ~20 s each (server/whatsapp/engine.ts QR_LIFETIME_MS).
      const expiresAt = new Date(Date.now() + (attempt === 1 ? 60_000 : 20_000));
      if (live.status !== 'QR_REQUIRED') this.setStatus(live, 'QR_REQUIRED', {});
      live.qr = { code, expiresAt, attempt };
      this.enqueue(live, async () => {
        publish(rooms.session(botId), 'qr_code_updated', {
          botId,
          sessionId: live.sessionId,
          qrCode: code,
          status: 'QR_REQUIRED',
          expiresAt: expiresAt.toISOString(),
          attempt,
          timestamp: nowIso(),
        });
      });
      return code;
    },
    pairingCode: (botId: string, code: string) => {
      const live = this.current(botId);
      const expiresAt = new Date(Date.now() + 60_000);
      if (live.status !== 'QR_REQUIRED') this.setStatus(live, 'QR_REQUIRED', {});
      live.pairing = { code, expiresAt };
      this.enqueue(live, async () => {
        publish(rooms.session(botId), 'pairing_code_updated', { botId, sessionId: live.sessionId, code, expiresAt: expiresAt.toISOString(), timestamp: nowIso() });
      });
    },
    status: (botId: string, status: SessionStatus, info: { reason?: string; phoneNumber?: string; displayName?: string } = {}) => {
      const live = this.current(botId);
      if (status === 'DISCONNECTED' || status === 'LOGGED_OUT' || status === 'ERROR') live.running = false;
      this.setStatus(live, status, info, { clearPhone: status === 'LOGGED_OUT' });
    },
    error: (botId: string, code: string, message: string) => {
      const live = this.current(botId);
      this.enqueue(live, async () => {
        publish([rooms.session(botId), rooms.workspace(live.workspaceId)], 'connection_error', {
          botId,
          sessionId: live.sessionId,
          code,
          error: message,
          timestamp: nowIso(),
        });
      });
    },
  };

  private current(botId: string): Live {
    const live = this.live.get(botId);
    if (!live) throw new Error(`no session for ${botId}: connect first`);
    return live;
  }

  private setStatus(live: Live, status: SessionStatus, info: { reason?: string; phoneNumber?: string; displayName?: string }, opts: { clearPhone?: boolean } = {}) {
    live.status = status;
    live.reason = info.reason;
    if (opts.clearPhone) {
      live.phoneNumber = undefined;
      live.displayName = undefined;
    }
    if (info.phoneNumber) live.phoneNumber = info.phoneNumber;
    if (info.displayName) live.displayName = info.displayName;
    if (status !== 'QR_REQUIRED') {
      live.qr = undefined;
      live.pairing = undefined;
    }
    const at = { status, reason: info.reason, phoneNumber: live.phoneNumber, displayName: live.displayName, sessionId: live.sessionId };
    this.enqueue(live, async () => {
      const timestamp = nowIso();
      publish([rooms.session(live.botId), rooms.workspace(live.workspaceId)], 'session_status_changed', compact({ botId: live.botId, ...at, timestamp }));
      publishBotStatus({ id: live.botId, workspaceId: live.workspaceId, name: live.name, status, phoneNumber: at.phoneNumber, displayName: at.displayName }, timestamp);
    });
  }

  private enqueue(live: Live, task: () => Promise<void>) {
    // The hop stands in for the database write the real manager makes before each publish.
    live.chain = live.chain.then(() => new Promise<void>((r) => afterIo(r))).then(task);
  }
}

// ── Server and client ────────────────────────────────────────────────────────────────────

let http: HttpServer;
let realtime: RealtimeServer;
let options: ConnectionStoreOptions;
let fetcher: (url: string) => Promise<unknown>;
let principal: Principal;
let sessions: FakeSessions;

beforeAll(async () => {
  const probe = await db.newBot();
  const [row] = await db.handle.db.select().from(bots).where(eq(bots.id, probe));
  principal = { userId: 'u1', sessionId: 's1', via: 'token', memberships: [{ workspaceId: row!.workspaceId, role: 'owner' }] };

  http = createServer((_req, res) => res.writeHead(404).end());
  realtime = createRealtimeServer(http, {
    log: pino({ level: 'silent' }),
    authenticate: async ({ token }) => (token === 'good' ? principal : null),
  });
  installRealtime(realtime.facade);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  // Native timers for the client's heartbeat, so a test may fake the clock (the server's runs on node:timers).
  const createSocket: ConnectionStoreOptions['createSocket'] = (u, o) => io(u!, { ...o, useNativeTimers: true }) as ClientSocket;
  options = { url, auth: { token: 'good' }, createSocket };
  fetcher = createEtagFetcher({ base: url });
});

afterEach(async () => {
  // Real timers first: unmounting closes the socket on a (deferred) timer.
  vi.useRealTimers();
  cleanup();
  // Each test starts with no socket left over from the last one.
  await vi.waitFor(() => expect(realtime.facade.connectionCount()).toBe(0), { timeout: 5_000, interval: 20 });
  installSessionControl(undefined);
  router.push.mockClear();
});

afterAll(async () => {
  installSessionControl(undefined);
  installRealtime(undefined);
  await realtime?.close();
});

/** The signed-in layout around the link step: the provider (and its indicator) outlive the step. */
function Page({ botId, linkStep = true }: { botId: string; linkStep?: boolean }) {
  return (
    <StrictMode>
      <UnifiedWebSocketProvider options={options} fetcher={fetcher}>
        <ConnectionIndicator />
        {linkStep ? <LinkWhatsApp botId={botId} /> : <p>Dashboard</p>}
      </UnifiedWebSocketProvider>
    </StrictMode>
  );
}

/** A fresh bot and session manager, the page rendered, and the socket live. */
async function openLinkStep() {
  sessions = new FakeSessions();
  installSessionControl(sessions);
  const botId = await db.newBot();
  const view = render(<Page botId={botId} />);
  await screen.findByText('Live');
  return { botId, view, room: rooms.session(botId) };
}

async function roomSize(room: string): Promise<number> {
  return (await realtime.io.in(room).fetchSockets()).length;
}

const qrImage = () => screen.getByRole('img', { name: 'WhatsApp QR code' });
const countdown = () => screen.getByTestId('qr-countdown').textContent;
const click = (name: string) => fireEvent.click(screen.getByRole('button', { name }));

async function showQr(room: string) {
  expect(await roomSize(room)).toBe(0);
  click('Show QR code');
  await screen.findByRole('img', { name: 'WhatsApp QR code' });
}

/** Polls in real time (the fake clock may stand still), flushing React updates in between. */
async function until(cond: () => boolean, what: string, ms = 5_000): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await act(async () => {
      await sleep(10);
    });
  }
}

// ── The cases ────────────────────────────────────────────────────────────────────────────

describe('LinkWhatsApp', () => {
  it('shows the QR with a countdown, redraws it on rotation, and watches the session room only meanwhile', async () => {
    const { botId, room } = await openLinkStep();
    await showQr(room);

    expect(sessions.connects).toEqual([{ botId, method: 'qr' }]);
    expect(screen.getByRole('heading', { name: 'Scan the QR code' })).toBeTruthy();
    // The first QR lives ~60 s.
    expect(countdown()).toMatch(/^Expires in (1:00|0:5\d)$/);
    await waitFor(async () => expect(await roomSize(room)).toBe(1));

    const first = qrImage().innerHTML;
    sessions.engine.qr(botId);
    await waitFor(() => expect(qrImage().innerHTML).not.toBe(first));
    // A rotated QR lives ~20 s, and the countdown follows it.
    expect(countdown()).toMatch(/^Expires in 0:(19|20)$/);
    expect(await roomSize(room)).toBe(1);
  });

  it('says the phone linked, then "WhatsApp connected" with the number, leaves the room, and opens the bot after 3 s', async () => {
    const { botId, room } = await openLinkStep();
    await showQr(room);
    await waitFor(async () => expect(await roomSize(room)).toBe(1));

    sessions.engine.status(botId, 'STARTING', { reason: 'paired' });
    await screen.findByText('Phone linked — finishing up…');
    expect(screen.queryByRole('img', { name: 'WhatsApp QR code' })).toBeNull();
    expect(await roomSize(room)).toBe(1); // still watching until the login completes

    // From here the clock is ours: the success view's countdown only moves when we say so.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    sessions.engine.status(botId, 'STARTING', { reason: 'restart_required' });
    sessions.engine.status(botId, 'CONNECTED', { phoneNumber: '15550100200', displayName: 'Acme Support' });
    await until(() => screen.queryByRole('heading', { name: 'WhatsApp connected' }) !== null, 'the success view');
    expect(screen.getByText('+15550100200')).toBeTruthy();
    expect(screen.getByText('Acme Support')).toBeTruthy();
    const left = () => screen.getByText(/^Opening the bot page in/).textContent;
    expect(left()).toBe('Opening the bot page in 3 s…');
    await vi.waitFor(async () => expect(await roomSize(room)).toBe(0), { timeout: 3_000, interval: 20 });

    // One second per step: each tick's next timer is set by the render the tick causes.
    const tick = () =>
      act(async () => {
        await vi.advanceTimersByTimeAsync(1_000);
      });
    await tick();
    await tick();
    expect(left()).toBe('Opening the bot page in 1 s…');
    expect(router.push).not.toHaveBeenCalled();
    await tick();
    expect(router.push.mock.calls).toEqual([[`/bots/${botId}`]]);
  });

  it('offers a new QR when the codes run out, and shows one on click', async () => {
    const { botId, room } = await openLinkStep();
    await showQr(room);
    const expired = qrImage().innerHTML;

    sessions.engine.status(botId, 'DISCONNECTED', { reason: 'qr_timeout' });
    await screen.findByRole('heading', { name: 'The QR code expired' });
    expect(screen.getByRole('alert').textContent).toBe('The QR code expired before it was scanned.');
    expect(screen.queryByRole('img', { name: 'WhatsApp QR code' })).toBeNull();
    await waitFor(async () => expect(await roomSize(room)).toBe(0));

    click('Generate new QR');
    expect((await screen.findByRole('img', { name: 'WhatsApp QR code' })).innerHTML).not.toBe(expired);
    expect(sessions.connects.map((c) => c.method)).toEqual(['qr', 'qr']);
    await waitFor(async () => expect(await roomSize(room)).toBe(1));
  });

  it('explains failures in plain words, with a retry', async () => {
    const { botId, room } = await openLinkStep();
    await showQr(room);

    sessions.engine.status(botId, 'ERROR', {
      reason: 'connection_replaced: this WhatsApp account was opened by another WhatsApp Web session; reconnect to take it back',
    });
    await screen.findByRole('heading', { name: 'Linking failed' });
    expect(screen.getByRole('alert').textContent).toBe(
      'This WhatsApp account was opened in another WhatsApp Web session, which took over. Link again to take it back.',
    );
    await waitFor(async () => expect(await roomSize(room)).toBe(0));

    click('Try again');
    await screen.findByRole('img', { name: 'WhatsApp QR code' });
    expect(sessions.connects).toHaveLength(2);
    // A connection_error is explained at once, but the engine is still retrying: keep watching.
    sessions.engine.error(botId, 'whatsapp_unreachable', 'WhatsApp could not be reached from this server (network or DNS).');
    expect((await screen.findByRole('alert')).textContent).toBe('Parley cannot reach WhatsApp right now. Check the server’s internet connection, then try again.');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Scan the QR code' })).toBeTruthy();
    expect(await roomSize(room)).toBe(1);
    // The engine gives up: now it is a failure, and the subscription ends.
    sessions.engine.status(botId, 'ERROR', { reason: 'whatsapp_unreachable' });
    await screen.findByRole('heading', { name: 'Linking failed' });
    await waitFor(async () => expect(await roomSize(room)).toBe(0));
  });

  it('links by phone number: checks the number first, then shows the pairing code', async () => {
    const { botId, room } = await openLinkStep();
    click('Use phone number instead');
    const phone = screen.getByLabelText('Bot’s phone number');

    fireEvent.change(phone, { target: { value: '12-34' } });
    click('Get pairing code');
    expect((await screen.findByRole('alert')).textContent).toBe('Enter the phone number with country code, digits only (8–15 digits).');
    await sleep(100);
    expect(sessions.connects).toEqual([]);
    expect(await roomSize(room)).toBe(0);

    fireEvent.change(phone, { target: { value: '+1 555 010 0200' } });
    click('Get pairing code');
    expect((await screen.findByTestId('pairing-code')).textContent).toBe('ABCD-EFGH');
    expect(screen.getByRole('heading', { name: 'Enter the code on your phone' })).toBeTruthy();
    expect(sessions.connects).toEqual([{ botId, method: 'pairing_code', phoneNumber: '15550100200' }]);
    await waitFor(async () => expect(await roomSize(room)).toBe(1));
  });

  it('Cancel leaves the session room and stops the attempt on the server', async () => {
    const { botId, room } = await openLinkStep();
    await showQr(room);
    await waitFor(async () => expect(await roomSize(room)).toBe(1));

    click('Cancel');
    await screen.findByRole('button', { name: 'Show QR code' });
    await waitFor(async () => expect(await roomSize(room)).toBe(0));
    await waitFor(() => expect(sessions.logouts).toEqual([botId]));
    expect(realtime.facade.connectionCount()).toBe(1);
  });

  it('leaving the page leaves the session room, while the tab keeps its connection', async () => {
    const { botId, view, room } = await openLinkStep();
    await showQr(room);
    await waitFor(async () => expect(await roomSize(room)).toBe(1));

    view.rerender(<Page botId={botId} linkStep={false} />);
    await waitFor(async () => expect(await roomSize(room)).toBe(0));
    expect(realtime.facade.connectionCount()).toBe(1);
    expect(screen.getByText('Live')).toBeTruthy();
  });
});
