import { eq } from 'drizzle-orm';
import type { Principal } from '@/lib/auth/principal';
import { getDb } from '@/lib/db';
import { memberships, users, workspaces, type MembershipRole } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';

export interface Account {
  user: { id: string; email: string; name: string };
  workspaces: { id: string; name: string; role: MembershipRole }[];
}

export async function getAccount(opts: { principal: Principal }): Promise<Account> {
  const db = await getDb();
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name })
    .from(users)
    .where(eq(users.id, opts.principal.userId))
    .limit(1);
  if (!user) throw new AppError('unauthorized', 'Your account no longer exists.');
  const rows = await db
    .select({ id: workspaces.id, name: workspaces.name, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, user.id))
    .orderBy(memberships.createdAt);
  return { user, workspaces: rows };
}
