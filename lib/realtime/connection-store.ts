import { io, type Socket } from 'socket.io-client';
import { apiRequest } from '@/lib/api/fetcher';
import { AppError } from '@/lib/errors';
import type { Ack, ClientToServerEvents, ConnectionErrorPayload, ServerToClientEvents, SessionSnapshot } from './events';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * connecting   first handshake in flight
 * connected    healthy
 * reconnecting lost, retrying with backoff (first OFFLINE_AFTER_MS)
 * offline      lost for longer than OFFLINE_AFTER_MS: views fall back to slow polling
 * unauthorized the server refused our credentials (signed out elsewhere, session expired)
 */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'unauthorized';

export interface ConnectionSnapshot {
  status: ConnectionStatus;
  transport: 'websocket' | 'polling' | null;
  /** Increments on every successful (re)connect, so views can revalidate once per reconnect. */
  connectCount: number;
}

/** A socket token and when it stops working (ISO 8601). */
export interface TokenGrant {
  token: string;
  expiresAt: string;
}

export type GetToken = (opts: { forceRefresh: boolean }) => Promise<TokenGrant>;

export const OFFLINE_AFTER_MS = 10_000;
const SERVER_DISCONNECT_RETRY_MS = 1_000;
/** Refresh this long before expiry (or at 80% of a shorter lifetime). */
const REFRESH_LEAD_MS = 60_000;
const REFRESH_RETRY_MS = 10_000;
const ACK_TIMEOUT_MS = 10_000;

export interface ConnectionStoreOptions {
  url?: string;
  /** A fixed token (tests, scripts): never refreshed. */
  auth?: { token: string };
  /** A token the server issued with the page, so the first handshake needs no extra request. */
  initialToken?: TokenGrant;
  /**
   * Where fresh tokens come from: the active auth provider (Clerk/Firebase SDK in the browser), or
   * by default `POST /api/v1/auth/token` when `initialToken` is set. Handshakes may take a cached
   * token; a refresh asks for a new one (`forceRefresh`), since the old one is about to expire.
   * Throwing AppError('unauthorized') means signed out at the provider.
   */
  getToken?: GetToken;
  createSocket?: (url: string | undefined, opts: Parameters<typeof io>[1]) => ClientSocket;
}

export interface JoinedInfo {
  /** Server clock (ms) when the socket had joined its rooms. */
  joinedAt: number;
  /** This tab's first connection (a reconnect has its own catch-up). */
  first: boolean;
}

export interface ConnectInfo {
  /** False on the first connect of this tab. */
  reconnect: boolean;
  /** Socket.IO connection state recovery restored missed events (multi-node setups). */
  recovered: boolean;
}

type Listener<T> = (value: T) => void;

interface Waiter {
  resolve: (s: SessionSnapshot) => void;
  reject: (e: unknown) => void;
}

/** A 401 becomes AppError('unauthorized'), like every API error in the browser. */
const fetchSocketToken = () => apiRequest<TokenGrant>('POST', '/api/v1/auth/token');

/**
 * The tab's one Socket.IO connection, as an external store for useSyncExternalStore.
 * acquire/release are reference-counted and release is deferred by a tick, so React
 * StrictMode's mount → unmount → mount never opens a second connection.
 *
 * It also owns what must survive a reconnect: the token (refreshed in-band before it expires)
 * and the set of WhatsApp sessions views want to watch (re-joined after every reconnect, each
 * re-join answering with a fresh snapshot so nothing missed while down stays missed).
 */
export class ConnectionStore {
  readonly socket: ClientSocket;
  private snapshot: ConnectionSnapshot = { status: 'connecting', transport: null, connectCount: 0 };
  private readonly listeners = new Set<() => void>();
  private refs = 0;
  private releaseTimer: ReturnType<typeof setTimeout> | undefined;
  private offlineTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  private grant: TokenGrant | undefined;
  private readonly staticAuth: { token: string } | undefined;
  private readonly getToken: GetToken | undefined;

  /** botId → how many views want it. */
  private readonly sessions = new Map<string, number>();
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly snapshotListeners = new Set<Listener<SessionSnapshot>>();
  private readonly sessionErrorListeners = new Set<Listener<ConnectionErrorPayload>>();
  private readonly connectListeners = new Set<Listener<ConnectInfo>>();
  private readonly joinedListeners = new Set<Listener<JoinedInfo>>();
  private joinedOnce = false;

  constructor(opts: ConnectionStoreOptions = {}) {
    this.staticAuth = opts.auth;
    this.grant = opts.initialToken;
    this.getToken = opts.getToken ?? (opts.initialToken ? fetchSocketToken : undefined);
    const create = opts.createSocket ?? ((url, o) => (url ? io(url, o) : io(o)) as ClientSocket);
    this.socket = create(opts.url, {
      autoConnect: false,
      // WebSocket first; long-polling only when a proxy blocks WebSockets.
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      withCredentials: true,
      // Backoff with ±50% jitter, so a server restart is not met by every tab at once; capped at
      // 1 s so a tab is back within 2 s of the server (a longer cap leaves it waiting for up to 5 s).
      reconnectionDelay: 500,
      reconnectionDelayMax: 1_000,
      randomizationFactor: 0.5,
      // A handshake that stalls (e.g. an upgrade accepted, then dropped by a proxy) is retried
      // after 8 s instead of socket.io's default 20 s.
      timeout: 8_000,
      // Called before every handshake, so a reconnect always carries a valid token.
      auth: (cb) => {
        void this.handshakeAuth().then(cb);
      },
    });
    this.wire();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ConnectionSnapshot => this.snapshot;

  acquire(): void {
    this.refs += 1;
    clearTimeout(this.releaseTimer);
    if (!this.socket.connected && !this.socket.active) this.socket.connect();
  }

  release(): void {
    this.refs = Math.max(0, this.refs - 1);
    if (this.refs > 0) return;
    clearTimeout(this.releaseTimer);
    this.releaseTimer = setTimeout(() => {
      if (this.refs === 0) this.close();
    }, 0);
  }

  close(): void {
    clearTimeout(this.offlineTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.refreshTimer);
    this.offlineTimer = undefined;
    this.socket.disconnect();
  }

  // ── Session subscriptions ──────────────────────────────────────────────────────────────

  /**
   * Watch `session:{botId}`. Resolves with the session's snapshot once joined (at once when
   * connected, otherwise on the next connect). Reference-counted: two views watching the same
   * bot share one subscription.
   */
  subscribeSession(botId: string): Promise<SessionSnapshot> {
    const count = this.sessions.get(botId) ?? 0;
    this.sessions.set(botId, count + 1);
    const promise = new Promise<SessionSnapshot>((resolve, reject) => {
      const list = this.waiters.get(botId) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(botId, list);
    });
    if (this.socket.connected) this.join(botId);
    return promise;
  }

  unsubscribeSession(botId: string): void {
    const count = this.sessions.get(botId) ?? 0;
    if (count <= 0) return;
    if (count > 1) {
      this.sessions.set(botId, count - 1);
      return;
    }
    this.sessions.delete(botId);
    this.waiters.delete(botId);
    if (this.socket.connected) this.socket.emit('unsubscribe_session', { botId }, () => undefined);
  }

  /** Bots currently watched (for tests and the debug overlay). */
  watchedSessions(): string[] {
    return [...this.sessions.keys()];
  }

  /** Every snapshot a (re)join returns. */
  onSessionSnapshot(listener: Listener<SessionSnapshot>): () => void {
    this.snapshotListeners.add(listener);
    return () => this.snapshotListeners.delete(listener);
  }

  /** A (re)join that failed, e.g. the bot was deleted while we were offline. */
  onSessionError(listener: Listener<ConnectionErrorPayload>): () => void {
    this.sessionErrorListeners.add(listener);
    return () => this.sessionErrorListeners.delete(listener);
  }

  onConnect(listener: Listener<ConnectInfo>): () => void {
    this.connectListeners.add(listener);
    return () => this.connectListeners.delete(listener);
  }

  /**
   * The server's `connected`: the socket is now in its user and workspace rooms, as of `joinedAt`
   * (server clock, ms). Reads the server made before that may miss what was pushed in between.
   */
  onJoined(listener: Listener<JoinedInfo>): () => void {
    this.joinedListeners.add(listener);
    return () => this.joinedListeners.delete(listener);
  }

  /**
   * Resolves once the socket has first joined its rooms, or after `timeoutMs` (the socket may be
   * down: the app then reads without it). Reads that wait for this miss no push.
   */
  whenJoined(timeoutMs: number): Promise<void> {
    if (this.joinedOnce) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        off();
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      const off = this.onJoined(done);
    });
  }

  /** Emit with an ack; a transport failure or timeout becomes the same error shape as a refusal. */
  async request<E extends 'trigger_whatsapp_connection' | 'disconnect_whatsapp' | 'subscribe_session'>(
    event: E,
    payload: Parameters<ClientToServerEvents[E]>[0],
  ): Promise<SessionSnapshot> {
    if (!this.socket.connected) throw new AppError('service_unavailable', 'The live connection is down; try again in a moment.');
    let res: Ack<SessionSnapshot>;
    try {
      res = await this.emitWithAck<SessionSnapshot>(event, payload);
    } catch {
      throw new AppError('service_unavailable', 'The server did not answer in time; try again.');
    }
    if (!res.ok) throw new AppError(res.error.code, res.error.message);
    return res.data;
  }

  // ── Internals ──────────────────────────────────────────────────────────────────────────

  /** An emit with an ack and a timeout. Called on the socket: `emitWithAck` needs its `this`. */
  private emitWithAck<T>(event: string, payload: unknown): Promise<Ack<T>> {
    const timed = this.socket.timeout(ACK_TIMEOUT_MS) as unknown as { emitWithAck(ev: string, p: unknown): Promise<Ack<T>> };
    return timed.emitWithAck(event, payload);
  }

  private join(botId: string): void {
    this.request('subscribe_session', { botId }).then(
      (snap) => {
        if (!this.sessions.has(botId)) return; // unsubscribed meanwhile
        const list = this.waiters.get(botId) ?? [];
        this.waiters.delete(botId);
        for (const w of list) w.resolve(snap);
        for (const l of this.snapshotListeners) l(snap);
      },
      (err: unknown) => {
        if (!this.sessions.has(botId)) return;
        const list = this.waiters.get(botId) ?? [];
        this.waiters.delete(botId);
        for (const w of list) w.reject(err);
        if (list.length === 0) {
          const appErr = err instanceof AppError ? err : new AppError('internal', 'Could not watch this session.');
          const payload: ConnectionErrorPayload = {
            botId,
            sessionId: '',
            code: appErr.code,
            error: appErr.message,
            timestamp: new Date().toISOString(),
          };
          for (const l of this.sessionErrorListeners) l(payload);
        }
      },
    );
  }

  private async handshakeAuth(): Promise<Record<string, string>> {
    if (this.staticAuth) return this.staticAuth;
    if (!this.getToken) return {}; // the session cookie authenticates
    if (this.grant && Date.parse(this.grant.expiresAt) - Date.now() > 5_000) return { token: this.grant.token };
    try {
      this.grant = await this.getToken({ forceRefresh: false });
      return { token: this.grant.token };
    } catch {
      // Fall back to the cookie: a refused handshake reports `unauthorized` the usual way.
      this.grant = undefined;
      return {};
    }
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    if (!this.getToken || !this.grant) return;
    const left = Date.parse(this.grant.expiresAt) - Date.now();
    const lead = Math.min(REFRESH_LEAD_MS, left * 0.2);
    this.refreshTimer = setTimeout(() => void this.refresh(), Math.max(0, Math.min(left - lead, 2 ** 31 - 1)));
  }

  /** Hands the live socket a fresh token; on refusal, reconnects with it instead. */
  private async refresh(): Promise<void> {
    if (!this.getToken || !this.socket.connected) return;
    let next: TokenGrant;
    try {
      next = await this.getToken({ forceRefresh: true });
    } catch (err) {
      if (err instanceof AppError && err.code === 'unauthorized') {
        this.set({ status: 'unauthorized', transport: null });
        this.close();
        return;
      }
      this.refreshTimer = setTimeout(() => void this.refresh(), REFRESH_RETRY_MS);
      return;
    }
    this.grant = next;
    try {
      const res = await this.emitWithAck<{ expiresAt: string }>('refresh_token', { token: next.token });
      if (!res.ok) throw new Error(res.error.code);
      this.scheduleRefresh();
    } catch {
      // The server would not take it in-band: a reconnect with the new token (rooms re-joined).
      if (this.socket.connected) {
        this.socket.disconnect();
        this.socket.connect();
      }
    }
  }

  private set(next: Partial<ConnectionSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...next };
    for (const l of this.listeners) l();
  }

  private goneDown(): void {
    clearTimeout(this.refreshTimer);
    if (this.snapshot.status !== 'offline') this.set({ status: 'reconnecting', transport: null });
    if (this.offlineTimer === undefined) {
      this.offlineTimer = setTimeout(() => this.set({ status: 'offline' }), OFFLINE_AFTER_MS);
    }
  }

  private wire(): void {
    const s = this.socket;
    s.on('connect', () => {
      clearTimeout(this.offlineTimer);
      this.offlineTimer = undefined;
      const transport = s.io.engine?.transport?.name === 'polling' ? 'polling' : 'websocket';
      const reconnect = this.snapshot.connectCount > 0;
      this.set({ status: 'connected', transport, connectCount: this.snapshot.connectCount + 1 });
      s.io.engine?.once('upgrade', () => this.set({ transport: 'websocket' }));
      this.scheduleRefresh();
      // Rooms do not survive a new connection: join again what views still want.
      for (const botId of this.sessions.keys()) this.join(botId);
      // socket.io-client leaves `recovered` undefined when there was nothing to recover.
      const info: ConnectInfo = { reconnect, recovered: s.recovered === true };
      for (const l of this.connectListeners) l(info);
    });
    s.on('connected', (p) => {
      const joinedAt = Date.parse(p.timestamp);
      const info: JoinedInfo = { joinedAt: Number.isNaN(joinedAt) ? Date.now() : joinedAt, first: !this.joinedOnce };
      this.joinedOnce = true;
      for (const l of this.joinedListeners) l(info);
    });
    s.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return; // we closed it on purpose
      this.goneDown();
      // The server closing us (e.g. a token expiring) is not retried by socket.io itself.
      if (reason === 'io server disconnect' && this.refs > 0) {
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => s.connect(), SERVER_DISCONNECT_RETRY_MS);
      }
    });
    s.on('connect_error', (err) => {
      if (err.message === 'unauthorized') {
        clearTimeout(this.offlineTimer);
        this.offlineTimer = undefined;
        this.set({ status: 'unauthorized', transport: null });
        return;
      }
      // Middleware errors (e.g. 'unavailable' while the database restarts) are not retried by
      // socket.io; transport errors are. Either way we keep trying with backoff.
      if (!s.active && this.refs > 0) {
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => s.connect(), 2_000 + Math.random() * 1_000);
      }
      this.goneDown();
    });
  }
}
