import { and, eq } from 'drizzle-orm';
import type { Principal } from '@/lib/auth/principal';
import { requireManager } from '@/lib/auth/require-role';
import { assignableRoles } from '@/lib/auth/roles';
import { getDb } from '@/lib/db';
import { memberships, type MembershipRole } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { lockMembers, ownerCount } from './lock-members';
import { publishMembership } from './publish-membership';

/**
 * Owners give any role; admins move members between admin and agent but never touch an owner
 * or make one. The last owner cannot be demoted (the workspace would have nobody to manage it).
 * The member's open tabs apply the new role at once (their sockets' principal, their rooms).
 */
export async function changeMemberRole(opts: {
  principal: Principal;
  workspaceId: string;
  userId: string;
  role: MembershipRole;
}): Promise<{ userId: string; role: MembershipRole }> {
  const { principal, workspaceId, userId, role } = opts;
  requireManager(principal, workspaceId, 'change members’ roles');
  const db = await getDb();
  const changed = await db.transaction(async (tx) => {
    const rows = await lockMembers(tx, workspaceId);
    // Re-read under the lock: the caller's own role may have changed since they authenticated.
    const actor = rows.find((r) => r.userId === principal.userId)?.role;
    const target = rows.find((r) => r.userId === userId);
    if (!actor) throw new AppError('not_found', 'Workspace not found.');
    if (!target) throw new AppError('not_found', 'Member not found.');
    if (!assignableRoles(actor, target.role).includes(role)) {
      if (actor === 'agent') throw new AppError('forbidden', 'Only workspace owners and admins can change members’ roles.');
      throw new AppError('forbidden', target.role === 'owner' ? 'Only owners can change an owner’s role.' : 'Only owners can make someone an owner.');
    }
    if (target.role === role) return false;
    if (target.role === 'owner' && ownerCount(rows) === 1) {
      throw new AppError('conflict', 'A workspace needs at least one owner: make someone else an owner first.');
    }
    await tx.update(memberships).set({ role }).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
    return true;
  });
  if (changed) await publishMembership(db, { userId, workspaceId, role, reason: 'role_changed' });
  return { userId, role };
}
