import { eq } from 'drizzle-orm';
import type { WorkspaceMembership } from '@/lib/auth/principal';
import type { Db } from '@/lib/db';
import { memberships } from '@/lib/db/schema';

/** A user's workspaces and roles, oldest membership first (the personal workspace leads). */
export function listMemberships({ db, userId }: { db: Db; userId: string }): Promise<WorkspaceMembership[]> {
  return db
    .select({ workspaceId: memberships.workspaceId, role: memberships.role })
    .from(memberships)
    .where(eq(memberships.userId, userId))
    .orderBy(memberships.createdAt);
}
