import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Principal } from '@/lib/auth/principal';
import { getDb } from '@/lib/db';
import { sessions } from '@/lib/db/schema';
import { listMemberships } from './list-memberships';

export type PrincipalLookup = { tokenHash: string } | { sessionId: string };

const LAST_SEEN_EVERY_MS = 10 * 60_000;

/** A live (unexpired, unrevoked) session and the user's memberships, or null. */
export async function loadPrincipal(
  lookup: PrincipalLookup,
  via: Principal['via'],
): Promise<Omit<Principal, 'expiresAt'> | null> {
  const db = await getDb();
  const match = 'tokenHash' in lookup ? eq(sessions.tokenHash, lookup.tokenHash) : eq(sessions.id, lookup.sessionId);
  const [session] = await db
    .select({ id: sessions.id, userId: sessions.userId, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .where(and(match, isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`)))
    .limit(1);
  if (!session) return null;

  const rows = await listMemberships({ db, userId: session.userId });

  // Refreshed coarsely so an active tab does not write on every request.
  if (Date.now() - session.lastSeenAt.getTime() > LAST_SEEN_EVERY_MS) {
    await db.update(sessions).set({ lastSeenAt: new Date() }).where(eq(sessions.id, session.id));
  }

  return { userId: session.userId, sessionId: session.id, via, memberships: rows };
}
