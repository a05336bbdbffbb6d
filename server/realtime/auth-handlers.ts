import { z } from 'zod';
import type { Credentials } from '@/lib/auth/authenticate';
import { workspaceIds, type Principal } from '@/lib/auth/principal';
import { AppError } from '@/lib/errors';
import { rooms } from '@/lib/realtime/events';
import type { ParleySocket } from './create-realtime-server';
import type { SocketHandlerRegistrar } from './socket-handler';

const refreshPayload = z.object({ token: z.string().min(1, 'A token is required.').max(4096, 'Token is too long.') });

/**
 * Token lifetime for one connection. A token authorizes the socket only until it expires; the
 * client hands over a fresh one with `refresh_token` before then, which moves the deadline and
 * keeps every room the socket joined. A socket still holding an expired token is closed.
 */
export function registerAuthHandlers(
  socket: ParleySocket,
  on: SocketHandlerRegistrar,
  authenticate: (creds: Credentials) => Promise<Principal | null>,
): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (expiresAt: Date | undefined) => {
    clearTimeout(timer);
    if (!expiresAt) return;
    const ms = expiresAt.getTime() - Date.now();
    timer = setTimeout(() => socket.disconnect(true), Math.max(0, Math.min(ms, 2 ** 31 - 1)));
  };
  arm(socket.data.principal.expiresAt);
  socket.once('disconnect', () => clearTimeout(timer));

  on('refresh_token', refreshPayload, async ({ token }) => {
    const next = await authenticate({ token });
    const current = socket.data.principal;
    // Another user's token never takes over a connection.
    if (!next || next.userId !== current.userId || !next.expiresAt) {
      throw new AppError('unauthorized', 'That token is not valid for this connection.');
    }
    syncRooms(socket, current, next);
    socket.data.principal = next;
    arm(next.expiresAt);
    return { expiresAt: next.expiresAt.toISOString() };
  });
}

/** Memberships may have changed since the handshake: follow them. */
function syncRooms(socket: ParleySocket, before: Principal, after: Principal): void {
  const was = new Set(workspaceIds(before));
  const now = new Set(workspaceIds(after));
  for (const id of was) if (!now.has(id)) void socket.leave(rooms.workspace(id));
  for (const id of now) if (!was.has(id)) void socket.join(rooms.workspace(id));
  if (before.sessionId !== after.sessionId) {
    void socket.leave(rooms.authSession(before.sessionId));
    void socket.join(rooms.authSession(after.sessionId));
  }
}
