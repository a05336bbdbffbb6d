import { and, eq, isNotNull } from 'drizzle-orm';
import type { Principal } from '@/lib/auth/principal';
import type { ProviderIdentity } from '@/lib/auth/provider-token';
import { getDb } from '@/lib/db';
import { sessions } from '@/lib/db/schema';
import { ensureProviderUser } from './ensure-provider-user';
import { listMemberships } from './list-memberships';

/**
 * The caller behind a verified Clerk/Firebase token, created on first sign-in. A provider sign-in
 * that was signed out of Parley stays signed out here, although the provider's tokens for it are
 * still validly signed until they expire.
 */
export async function loadProviderPrincipal(opts: { identity: ProviderIdentity; sessionKey: string }): Promise<Omit<Principal, 'expiresAt'> | null> {
  const db = await getDb();
  const [revoked] = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.providerSessionKey, opts.sessionKey), isNotNull(sessions.revokedAt)))
    .limit(1);
  if (revoked) return null;
  const userId = await ensureProviderUser({ identity: opts.identity });
  return { userId, sessionId: opts.sessionKey, via: 'provider', memberships: await listMemberships({ db, userId }) };
}
