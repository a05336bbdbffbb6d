import { and, eq } from 'drizzle-orm';
import type { Principal } from '@/lib/auth/principal';
import { requireMember } from '@/lib/auth/require-role';
import { canRemove } from '@/lib/auth/roles';
import { getDb } from '@/lib/db';
import { conversations, memberships } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { publishConversation } from '@/lib/services/conversations/publish-conversation';
import { lockMembers, ownerCount } from './lock-members';
import { publishMembership } from './publish-membership';

/**
 * Removes a member (owners: anyone; admins: admins and agents), or lets any member leave. The
 * last owner can do neither. Their conversations go back to "unassigned", and their open tabs
 * lose the workspace at once: sockets leave its rooms, SSE streams end.
 */
export async function removeMember(opts: { principal: Principal; workspaceId: string; userId: string }): Promise<void> {
  const { principal, workspaceId, userId } = opts;
  requireMember(principal, workspaceId);
  const leaving = userId === principal.userId;
  const db = await getDb();
  const unassigned = await db.transaction(async (tx) => {
    const rows = await lockMembers(tx, workspaceId);
    const actor = rows.find((r) => r.userId === principal.userId)?.role;
    const target = rows.find((r) => r.userId === userId);
    if (!actor) throw new AppError('not_found', 'Workspace not found.');
    if (!target) throw new AppError('not_found', 'Member not found.');
    if (!leaving && !canRemove(actor, target.role)) {
      throw new AppError('forbidden', actor === 'agent' ? 'Only workspace owners and admins can remove members.' : 'Only owners can remove an owner.');
    }
    if (target.role === 'owner' && ownerCount(rows) === 1) {
      throw new AppError(
        'conflict',
        leaving ? 'You are the last owner: make someone else an owner before you leave.' : 'A workspace needs at least one owner.',
      );
    }
    await tx.delete(memberships).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
    return tx
      .update(conversations)
      .set({ assigneeId: null, updatedAt: new Date() })
      .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.assigneeId, userId)))
      .returning();
  });
  await publishMembership(db, { userId, workspaceId, role: null, reason: leaving ? 'left' : 'removed' });
  for (const c of unassigned) publishConversation(c);
}
