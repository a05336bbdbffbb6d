import type { Server as HttpServer } from 'node:http';
import { inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import { Server, type ServerOptions } from 'socket.io';
import type { Credentials } from '@/lib/auth/authenticate';
import { workspaceIds, type Principal } from '@/lib/auth/principal';
import { canManage } from '@/lib/auth/roles';
import { getDb } from '@/lib/db';
import { bots } from '@/lib/db/schema';
import { nowIso, rooms, type ClientToServerEvents, type ServerToClientEvents } from '@/lib/realtime/events';
import type { MembershipChange, RealtimeFacade } from '@/lib/realtime/publish';
import { registerAuthHandlers } from './auth-handlers';
import { createBufferStats, limitBufferedBytes, type BufferLimitStats, type EngineConnection } from './buffer-limit';
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
  /** Slow consumers: connections closed for not reading, and the most bytes one had waiting. */
  buffers: BufferLimitStats;
  close(): Promise<void>;
}

export interface RealtimeOptions {
  authenticate: (creds: Credentials) => Promise<Principal | null>;
  log: Logger;
  /** Server-Sent Events subscribers get every event published to a session room too. */
  sse?: SseBroker;
  /** Several nodes: the Redis Streams adapter (server/cluster/socket-adapter.ts); unset = in memory. */
  adapter?: ServerOptions['adapter'];
  /** Bytes that may wait for one client before it is disconnected (SOCKET_MAX_BUFFERED_BYTES). */
  maxBufferedBytes?: number;
}

/**
 * A client that lost its connection for up to 2 minutes gets back its rooms and every event it
 * missed (`socket.recovered`); the auth middleware still runs on that reconnect. With the Redis
 * adapter this works across nodes (the missed events come from the Redis stream).
 */
export const CONNECTION_STATE_RECOVERY = { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: false } as const;

/** SOCKET_MAX_BUFFERED_BYTES' default (lib/env.ts). */
const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

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
  const buffers = createBufferStats(opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES);

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
    // Ended without recovery: a replay of everything missed would overflow again, in a loop.
    limitBufferedBytes(socket.conn as unknown as EngineConnection, { stats: buffers, log: opts.log, disconnect: () => socket.disconnect(true) });
    releaseHandshakeRequest(socket);
    const { principal } = socket.data;
    const workspaces = workspaceIds(principal);
    // A recovered connection gets back the rooms it had: keep only those this principal may
    // still be in (a membership may have ended, a token changed hands while it was away).
    if (socket.recovered) {
      leaveRevokedRooms(socket, principal).catch((err: unknown) => {
        opts.log.error({ err, socketId: socket.id }, 'checking the rooms of a recovered socket failed; closing it');
        socket.disconnect(true);
      });
    }
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
    applyMembership(change) {
      applyMembership(io, change, opts.sse);
    },
    // Authenticated sockets (engine-level clients include refused handshakes).
    connectionCount: () => io.of('/').sockets.size,
    sseConnectionCount: () => opts.sse?.clientCount() ?? 0,
  };

  return {
    io,
    facade,
    buffers,
    close: () =>
      new Promise<void>((resolve) => {
        io.close(() => resolve());
      }),
  };
}

/**
 * Engine.IO keeps the HTTP request that opened a connection for the connection's whole life
 * (with its parsed headers, URL and socket bookkeeping): a few KiB per client that nothing
 * reads after the handshake — `socket.handshake` (headers, auth, address) was copied when the
 * Socket.IO handshake was built, and the auth middleware has run by `connection`. A recovered
 * connection arrives on a new engine connection with its own request. Socket.IO's
 * memory-usage guide; measured in BENCHMARKS.md (sockets, before/after).
 */
export function releaseHandshakeRequest(socket: ParleySocket): void {
  (socket.conn as unknown as { request: unknown }).request = null;
}

/**
 * A membership change reaches the user's sockets before the route answers: rooms are left or
 * joined synchronously (the in-memory adapter applies socketsJoin/socketsLeave at once), so a
 * publish to the workspace right after a removal is not delivered to the removed member.
 */
function applyMembership(io: ParleyServer, change: MembershipChange, sse: SseBroker | undefined): void {
  const { userId, workspaceId, role } = change;
  const userRoom = rooms.user(userId);
  const sessionRooms = change.botIds.map(rooms.session);
  if (role === null) {
    io.in(userRoom).socketsLeave([rooms.workspace(workspaceId), ...sessionRooms]);
  } else {
    io.in(userRoom).socketsJoin(rooms.workspace(workspaceId));
    // QR codes are credentials: an agent watches no session room.
    if (!canManage(role) && sessionRooms.length > 0) io.in(userRoom).socketsLeave(sessionRooms);
  }
  // Socket handlers authorize with the socket's principal: it follows the change at once.
  const ns = io.of('/');
  for (const id of ns.adapter.rooms.get(userRoom) ?? []) {
    const socket = ns.sockets.get(id);
    if (socket) socket.data.principal = withMembership(socket.data.principal, workspaceId, role);
  }
  if (!canManage(role)) sse?.closeFor(userId, workspaceId);
  io.to(userRoom).emit('membership_changed', {
    workspaceId,
    workspaceName: change.workspaceName,
    role,
    reason: change.reason,
    timestamp: nowIso(),
  });
}

function withMembership(principal: Principal, workspaceId: string, role: MembershipChange['role']): Principal {
  const others = principal.memberships.filter((m) => m.workspaceId !== workspaceId);
  return { ...principal, memberships: role === null ? others : [...others, { workspaceId, role }] };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function leaveRevokedRooms(socket: ParleySocket, principal: Principal): Promise<void> {
  const workspaces = new Set(workspaceIds(principal));
  const allowed = new Set([socket.id, rooms.user(principal.userId), rooms.authSession(principal.sessionId), ...[...workspaces].map(rooms.workspace)]);
  const sessionBots: string[] = [];
  for (const room of socket.rooms) {
    if (allowed.has(room)) continue;
    const botId = room.startsWith('session:') ? room.slice('session:'.length) : '';
    if (UUID.test(botId)) sessionBots.push(botId);
    else void socket.leave(room);
  }
  if (sessionBots.length === 0) return;
  const db = await getDb();
  const visible = await db.select({ id: bots.id, workspaceId: bots.workspaceId }).from(bots).where(inArray(bots.id, sessionBots));
  const keep = new Set(visible.filter((b) => workspaces.has(b.workspaceId)).map((b) => b.id));
  for (const botId of sessionBots) if (!keep.has(botId)) void socket.leave(rooms.session(botId));
}
