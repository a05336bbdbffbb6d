import { eq } from 'drizzle-orm';
import type { Db } from '@/lib/db';
import { memberships, type MembershipRole } from '@/lib/db/schema';

/**
 * Every membership of the workspace, locked until the transaction ends: two owners demoting or
 * removing each other at once are serialized here, so the "at least one owner" check each of
 * them makes cannot both pass on the same stale count.
 */
export function lockMembers(tx: Db, workspaceId: string): Promise<{ userId: string; role: MembershipRole }[]> {
  return tx
    .select({ userId: memberships.userId, role: memberships.role })
    .from(memberships)
    .where(eq(memberships.workspaceId, workspaceId))
    .for('update');
}

export function ownerCount(rows: readonly { role: MembershipRole }[]): number {
  return rows.filter((r) => r.role === 'owner').length;
}
