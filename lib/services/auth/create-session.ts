import { hashSessionSecret, newSessionSecret } from '@/lib/auth/session-cookie';
import { type Db, getDb } from '@/lib/db';
import { sessions } from '@/lib/db/schema';
import { env } from '@/lib/env';

export interface CreatedSession {
  id: string;
  /** The cookie value. Returned once; only its hash is stored. */
  secret: string;
  expiresAt: Date;
}

export async function createSession(opts: {
  userId: string;
  userAgent?: string | null;
  /** The Clerk/Firebase sign-in this session was exchanged from. */
  providerSessionKey?: string;
  db?: Db;
}): Promise<CreatedSession> {
  const db = opts.db ?? (await getDb());
  const secret = newSessionSecret();
  const expiresAt = new Date(Date.now() + env().SESSION_TTL_DAYS * 86_400_000);
  const [row] = await db
    .insert(sessions)
    .values({
      userId: opts.userId,
      tokenHash: hashSessionSecret(secret),
      userAgent: opts.userAgent?.slice(0, 512) ?? null,
      providerSessionKey: opts.providerSessionKey ?? null,
      expiresAt,
    })
    .returning({ id: sessions.id });
  return { id: row!.id, secret, expiresAt };
}
