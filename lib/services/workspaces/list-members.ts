import { asc, eq } from 'drizzle-orm';
import { roleIn, type Principal } from '@/lib/auth/principal';
import { getDb } from '@/lib/db';
import { memberships, users, type MembershipRole } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';

export interface MemberView {
  userId: string;
  name: string;
  email: string;
  role: MembershipRole;
}

/** A workspace's members (assignee names in the inbox). Members only. */
export async function listMembers(opts: { principal: Principal; workspaceId: string }): Promise<{ members: MemberView[] }> {
  if (!roleIn(opts.principal, opts.workspaceId)) throw new AppError('not_found', 'Workspace not found.');
  const db = await getDb();
  const members = await db
    .select({ userId: users.id, name: users.name, email: users.email, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, opts.workspaceId))
    .orderBy(asc(memberships.createdAt));
  return { members };
}
