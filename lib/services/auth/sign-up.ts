import { eq } from 'drizzle-orm';
import { hashPassword } from '@/lib/auth/password';
import { getDb, isUniqueViolation } from '@/lib/db';
import { memberships, users, workspaces } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { createSession, type CreatedSession } from './create-session';

export interface SignUpResult {
  user: { id: string; email: string; name: string };
  workspace: { id: string; name: string };
  session: CreatedSession;
}

/** Creates the user, a personal workspace they own, and a browser session, all or nothing. */
export async function signUp(opts: { email: string; password: string; name: string; userAgent?: string | null }): Promise<SignUpResult> {
  const db = await getDb();
  const email = opts.email.trim().toLowerCase();
  const name = opts.name.trim();

  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
  if (existing) throw new AppError('conflict', 'An account with this email already exists. Sign in instead.');

  const passwordHash = await hashPassword(opts.password);
  try {
    return await db.transaction(async (tx) => {
      const [user] = await tx.insert(users).values({ email, name, passwordHash }).returning({ id: users.id, email: users.email, name: users.name });
      const [workspace] = await tx
        .insert(workspaces)
        .values({ name: `${name.split(/\s+/)[0]}'s workspace` })
        .returning({ id: workspaces.id, name: workspaces.name });
      await tx.insert(memberships).values({ workspaceId: workspace!.id, userId: user!.id, role: 'owner' });
      const session = await createSession({ userId: user!.id, userAgent: opts.userAgent, db: tx });
      return { user: user!, workspace: workspace!, session };
    });
  } catch (err) {
    // Two sign-ups racing for one email: the unique index decides, the loser gets the same 409.
    if (isUniqueViolation(err, 'users_email_key')) {
      throw new AppError('conflict', 'An account with this email already exists. Sign in instead.');
    }
    throw err;
  }
}
