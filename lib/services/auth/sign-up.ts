import { eq } from 'drizzle-orm';
import { hashPassword } from '@/lib/auth/password';
import { assertLocalAuth } from '@/lib/auth/provider';
import { getDb, isUniqueViolation } from '@/lib/db';
import { users } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { createSession, type CreatedSession } from './create-session';
import { insertAccount } from './insert-account';

export interface SignUpResult {
  user: { id: string; email: string; name: string };
  workspace: { id: string; name: string };
  session: CreatedSession;
}

/** Creates the user, a personal workspace they own, and a browser session, all or nothing. */
export async function signUp(opts: { email: string; password: string; name: string; userAgent?: string | null }): Promise<SignUpResult> {
  assertLocalAuth();
  const db = await getDb();
  const email = opts.email.trim().toLowerCase();
  const name = opts.name.trim();

  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
  if (existing) throw new AppError('conflict', 'An account with this email already exists. Sign in instead.');

  const passwordHash = await hashPassword(opts.password);
  try {
    return await db.transaction(async (tx) => {
      const { user, workspace } = await insertAccount(tx, { email, name, passwordHash });
      const session = await createSession({ userId: user.id, userAgent: opts.userAgent, db: tx });
      return { user, workspace, session };
    });
  } catch (err) {
    // Two sign-ups racing for one email: the unique index decides, the loser gets the same 409.
    if (isUniqueViolation(err, 'users_email_key')) {
      throw new AppError('conflict', 'An account with this email already exists. Sign in instead.');
    }
    throw err;
  }
}
