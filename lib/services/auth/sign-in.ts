import { eq } from 'drizzle-orm';
import { dummyPasswordHash, verifyPassword } from '@/lib/auth/password';
import { assertLocalAuth } from '@/lib/auth/provider';
import { getDb } from '@/lib/db';
import { users } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { createSession, type CreatedSession } from './create-session';

export interface SignInResult {
  user: { id: string; email: string; name: string };
  session: CreatedSession;
}

const INVALID = 'Incorrect email or password.';

export async function signIn(opts: { email: string; password: string; userAgent?: string | null }): Promise<SignInResult> {
  assertLocalAuth();
  const db = await getDb();
  const email = opts.email.trim().toLowerCase();
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, email))
    .limit(1);

  // Same work whether or not the account exists, and the same message either way.
  const ok = await verifyPassword(opts.password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !user.passwordHash || !ok) throw new AppError('unauthorized', INVALID);

  const session = await createSession({ userId: user.id, userAgent: opts.userAgent });
  return { user: { id: user.id, email: user.email, name: user.name }, session };
}
