import { and, eq, isNull } from 'drizzle-orm';
import { getDb } from '@/lib/db';
import { sessions } from '@/lib/db/schema';
import { rooms } from '@/lib/realtime/events';
import { disconnectRooms } from '@/lib/realtime/publish';

/** Revokes the browser session (and with it every token issued from it) and closes its sockets. */
export async function signOut(opts: { sessionId: string }): Promise<void> {
  const db = await getDb();
  await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.id, opts.sessionId), isNull(sessions.revokedAt)));
  disconnectRooms(rooms.authSession(opts.sessionId));
}
