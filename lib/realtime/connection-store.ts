import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from './events';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * connecting   first handshake in flight
 * connected    healthy
 * reconnecting lost, retrying with backoff (first OFFLINE_AFTER_MS)
 * offline      lost for longer than OFFLINE_AFTER_MS (views may fall back to slow polling)
 * unauthorized the server refused our credentials (signed out elsewhere, session expired)
 */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'unauthorized';

export interface ConnectionSnapshot {
  status: ConnectionStatus;
  transport: 'websocket' | 'polling' | null;
  /** Increments on every successful (re)connect, so views can revalidate once per reconnect. */
  connectCount: number;
}

export const OFFLINE_AFTER_MS = 10_000;
const SERVER_DISCONNECT_RETRY_MS = 1_000;

export interface ConnectionStoreOptions {
  url?: string;
  /** For tests: a token instead of the session cookie. */
  auth?: { token: string };
  createSocket?: (url: string | undefined, opts: Parameters<typeof io>[1]) => ClientSocket;
}

/**
 * The tab's one Socket.IO connection, as an external store for useSyncExternalStore.
 * acquire/release are reference-counted and release is deferred by a tick, so React
 * StrictMode's mount → unmount → mount never opens a second connection.
 */
export class ConnectionStore {
  readonly socket: ClientSocket;
  private snapshot: ConnectionSnapshot = { status: 'connecting', transport: null, connectCount: 0 };
  private readonly listeners = new Set<() => void>();
  private refs = 0;
  private releaseTimer: ReturnType<typeof setTimeout> | undefined;
  private offlineTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(opts: ConnectionStoreOptions = {}) {
    const create = opts.createSocket ?? ((url, o) => (url ? io(url, o) : io(o)) as ClientSocket);
    this.socket = create(opts.url, {
      autoConnect: false,
      // WebSocket first; long-polling only when a proxy blocks WebSockets.
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      withCredentials: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5_000,
      randomizationFactor: 0.5,
      auth: opts.auth,
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
    this.socket.disconnect();
  }

  private set(next: Partial<ConnectionSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...next };
    for (const l of this.listeners) l();
  }

  private goneDown(): void {
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
      this.set({ status: 'connected', transport, connectCount: this.snapshot.connectCount + 1 });
      s.io.engine?.once('upgrade', () => this.set({ transport: 'websocket' }));
    });
    s.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return; // we closed it on purpose
      this.goneDown();
      // The server closing us (e.g. a token expiring) is not retried by socket.io itself.
      if (reason === 'io server disconnect' && this.refs > 0) {
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
