import { asc, eq } from 'drizzle-orm';
import { requireMember } from '@/lib/auth/require-role';
import type { Principal } from '@/lib/auth/principal';
import { getDb } from '@/lib/db';
import { memberships, users, type MembershipRole } from '@/lib/db/schema';

export interface MemberView {
  userId: string;
  name: string;
  email: string;
  role: MembershipRole;
  joinedAt: string;
}

/** A workspace's members, oldest first (assignee names in the inbox, Settings → Members). Any member. */
export async function listMembers(opts: { principal: Principal; workspaceId: string }): Promise<{ members: MemberView[] }> {
  requireMember(opts.principal, opts.workspaceId);
  const db = await getDb();
  const rows = await db
    .select({ userId: users.id, name: users.name, email: users.email, role: memberships.role, joinedAt: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, opts.workspaceId))
    .orderBy(asc(memberships.createdAt), asc(users.id));
  return { members: rows.map((r) => ({ ...r, joinedAt: r.joinedAt.toISOString() })) };
}
