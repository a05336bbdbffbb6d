import { eq } from 'drizzle-orm';
import type { Principal } from '@/lib/auth/principal';
import { getDb } from '@/lib/db';
import { users } from '@/lib/db/schema';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { createSession, type CreatedSession } from './create-session';

/**
 * A Parley browser session for a caller who proved a Clerk/Firebase sign-in with its token. The
 * browser then uses the session cookie like a local sign-in (server-rendered pages, REST), while
 * its socket keeps using the provider's token.
 */
export async function createProviderSession(opts: {
  principal: Principal;
  userAgent?: string | null;
}): Promise<{ user: { id: string; email: string; name: string }; session: CreatedSession }> {
  if (env().AUTH_PROVIDER === 'local') {
    throw new AppError('not_found', 'This server signs in with email and password: there is no provider token to exchange.');
  }
  if (opts.principal.via !== 'provider') {
    throw new AppError('bad_request', 'Send the sign-in provider’s token as `Authorization: Bearer …` to start a session.');
  }
  const db = await getDb();
  const [user] = await db.select({ id: users.id, email: users.email, name: users.name }).from(users).where(eq(users.id, opts.principal.userId)).limit(1);
  if (!user) throw new AppError('unauthorized', 'Your account no longer exists.');
  const session = await createSession({ userId: user.id, userAgent: opts.userAgent, providerSessionKey: opts.principal.sessionId, db });
  return { user, session };
}
