import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server, type ServerOptions } from 'socket.io';
import type { Credentials } from '@/lib/auth/authenticate';
import { workspaceIds, type Principal } from '@/lib/auth/principal';
import { nowIso, rooms, type ClientToServerEvents, type ServerToClientEvents } from '@/lib/realtime/events';
import type { RealtimeFacade } from '@/lib/realtime/publish';
import { registerAuthHandlers } from './auth-handlers';
import { registerSessionHandlers } from './session-handlers';
import { createSocketHandlerRegistrar } from './socket-handler';
import type { SseBroker } from './sse-hub';

export interface SocketData {
  principal: Principal;
}

export type ParleyServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type ParleySocket = Parameters<Parameters<ParleyServer['on']>[1]>[0];

export interface RealtimeServer {
  io: ParleyServer;
  facade: RealtimeFacade;
  close(): Promise<void>;
}

export interface RealtimeOptions {
  authenticate: (creds: Credentials) => Promise<Principal | null>;
  log: Logger;
  /** Server-Sent Events subscribers get every event published to a session room too. */
  sse?: SseBroker;
  /** Several nodes: the Redis Streams adapter (server/cluster/socket-adapter.ts); unset = in memory. */
  adapter?: ServerOptions['adapter'];
}

/**
 * A client that lost its connection for up to 2 minutes gets back its rooms and every event it
 * missed (`socket.recovered`); the auth middleware still runs on that reconnect. With the Redis
 * adapter this works across nodes (the missed events come from the Redis stream).
 */
export const CONNECTION_STATE_RECOVERY = { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: false } as const;

/** Socket.IO on the app's one http.Server: auth middleware, rooms, and the publish facade. */
export function createRealtimeServer(httpServer: HttpServer, opts: RealtimeOptions): RealtimeServer {
  const io: ParleyServer = new Server(httpServer, {
    serveClient: false,
    // Client events are tiny; anything bigger is abuse.
    maxHttpBufferSize: 100_000,
    // Next.js handles its own upgrades (dev HMR); engine.io must not destroy them.
    destroyUpgrade: false,
    perMessageDeflate: false,
    connectionStateRecovery: { ...CONNECTION_STATE_RECOVERY },
    ...(opts.adapter ? { adapter: opts.adapter } : {}),
  });

  io.use(async (socket, next) => {
    const raw: unknown = socket.handshake.auth?.token;
    const token = typeof raw === 'string' ? raw : undefined;
    try {
      const principal = await opts.authenticate({ cookieHeader: socket.handshake.headers.cookie, token });
      if (!principal) return next(new Error('unauthorized'));
      socket.data.principal = principal;
      next();
    } catch (err) {
      // The database is down, not the caller's fault: a distinct code so clients retry.
      opts.log.error({ err }, 'socket authentication failed');
      next(new Error('unavailable'));
    }
  });

  io.on('connection', (socket) => {
    const { principal } = socket.data;
    const workspaces = workspaceIds(principal);
    void socket.join([
      rooms.user(principal.userId),
      rooms.authSession(principal.sessionId),
      ...workspaces.map(rooms.workspace),
    ]);

    const on = createSocketHandlerRegistrar(socket, opts.log);
    registerAuthHandlers(socket, on, opts.authenticate);
    registerSessionHandlers(socket, on);
    socket.emit('connected', { userId: principal.userId, workspaceIds: workspaces, timestamp: nowIso() });
    opts.log.debug({ socketId: socket.id, userId: principal.userId, transport: socket.conn.transport.name }, 'socket connected');
    socket.once('disconnect', (reason) => opts.log.debug({ socketId: socket.id, reason }, 'socket disconnected'));
  });

  const facade: RealtimeFacade = {
    publish(target, event, payload) {
      // Cast keeps the typed emit happy for every event in the map.
      (io.to(target as string | string[]).emit as (ev: string, p: unknown) => boolean)(event, payload);
      opts.sse?.dispatch(typeof target === 'string' ? [target] : target, event, payload);
    },
    disconnectRooms(target) {
      io.in(target as string | string[]).disconnectSockets(true);
    },
    // Authenticated sockets (engine-level clients include refused handshakes).
    connectionCount: () => io.of('/').sockets.size,
    sseConnectionCount: () => opts.sse?.clientCount() ?? 0,
  };

  return {
    io,
    facade,
    close: () =>
      new Promise<void>((resolve) => {
        io.close(() => resolve());
      }),
  };
}
