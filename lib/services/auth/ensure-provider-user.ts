import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { ProviderIdentity } from '@/lib/auth/provider-token';
import { getDb, isUniqueViolation } from '@/lib/db';
import { userIdentities } from '@/lib/db/schema';
import { insertAccount } from './insert-account';

/** Addresses under this reserved domain stand in for accounts whose provider gave no verified email. */
export const PLACEHOLDER_EMAIL_DOMAIN = 'users.invalid';

const ATTEMPTS = 3;

/**
 * The Parley user for a Clerk/Firebase account. The first sign-in creates the user, their personal
 * workspace (owner) and the identity link in one transaction. Sign-ins racing for one account (a
 * tab's socket, REST call and session exchange at once) are settled by the identity's primary key
 * and the email's unique index: the losers roll back and find the winner's user.
 */
export async function ensureProviderUser(opts: { identity: ProviderIdentity }): Promise<string> {
  const db = await getDb();
  const { provider, subject } = opts.identity;
  let email = opts.identity.email ?? placeholderEmail(provider, subject);
  for (let attempt = 1; ; attempt++) {
    const [found] = await db
      .select({ userId: userIdentities.userId })
      .from(userIdentities)
      .where(and(eq(userIdentities.provider, provider), eq(userIdentities.subject, subject)))
      .limit(1);
    if (found) return found.userId;
    try {
      return await db.transaction(async (tx) => {
        const { user } = await insertAccount(tx, { email, name: displayName(opts.identity) });
        await tx.insert(userIdentities).values({ provider, subject, userId: user.id });
        return user.id;
      });
    } catch (err) {
      if (attempt >= ATTEMPTS || !isUniqueViolation(err)) throw err;
      // Either another sign-in of this account won (found on the next look), or the address
      // belongs to a different user: accounts are never merged by email, this one gets a stand-in.
      if (isUniqueViolation(err, 'users_email_key')) email = placeholderEmail(provider, subject);
    }
  }
}

function placeholderEmail(provider: string, subject: string): string {
  const digest = createHash('sha256').update(`${provider}:${subject}`).digest('hex').slice(0, 24);
  return `${provider}-${digest}@${PLACEHOLDER_EMAIL_DOMAIN}`;
}

function displayName(identity: ProviderIdentity): string {
  const name = identity.name ?? identity.email?.split('@')[0];
  return name?.trim().slice(0, 100) || (identity.provider === 'clerk' ? 'Clerk user' : 'Firebase user');
}
