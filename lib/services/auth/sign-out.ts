import { and, eq, isNull, or, type SQL } from 'drizzle-orm';
import type { Principal } from '@/lib/auth/principal';
import { getDb } from '@/lib/db';
import { sessions } from '@/lib/db/schema';
import { rooms } from '@/lib/realtime/events';
import { disconnectRooms } from '@/lib/realtime/publish';

/**
 * Revokes the caller's sign-in and closes its sockets: the browser session (and every token issued
 * from it) and, when it was exchanged from a Clerk/Firebase sign-in, that sign-in as well, so its
 * provider tokens are refused from now on (authenticate() checks) and the sockets they opened close.
 */
export async function signOut(opts: { principal: Pick<Principal, 'sessionId' | 'via'> }): Promise<void> {
  const db = await getDb();
  const { sessionId, via } = opts.principal;
  const parleySession = via === 'provider' ? null : sessionId;
  let providerKey: string | null = via === 'provider' ? sessionId : null;
  if (parleySession) {
    const [row] = await db.select({ key: sessions.providerSessionKey }).from(sessions).where(eq(sessions.id, parleySession)).limit(1);
    providerKey = row?.key ?? null;
  }

  const matches: SQL[] = [];
  if (parleySession) matches.push(eq(sessions.id, parleySession));
  if (providerKey) matches.push(eq(sessions.providerSessionKey, providerKey));
  const revoked = await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(or(...matches), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });

  const closing = new Set(revoked.map((r) => r.id));
  if (parleySession) closing.add(parleySession);
  if (providerKey) closing.add(providerKey);
  disconnectRooms([...closing].map(rooms.authSession));
}
