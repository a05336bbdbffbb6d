import { and, eq, isNull } from 'drizzle-orm';
import type { Principal } from '@/lib/auth/principal';
import { requireManager } from '@/lib/auth/require-role';
import { getDb } from '@/lib/db';
import { invites } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';

/** The link stops working. Revoking twice is fine; an accepted invite cannot be revoked (remove the member instead). */
export async function revokeInvite(opts: { principal: Principal; workspaceId: string; inviteId: string }): Promise<void> {
  requireManager(opts.principal, opts.workspaceId, 'revoke invitations');
  const db = await getDb();
  const [invite] = await db
    .select({ acceptedAt: invites.acceptedAt })
    .from(invites)
    .where(and(eq(invites.id, opts.inviteId), eq(invites.workspaceId, opts.workspaceId)));
  if (!invite) throw new AppError('not_found', 'Invitation not found.');
  if (invite.acceptedAt) throw new AppError('conflict', 'This invitation was already accepted. Remove the member instead.');
  await db
    .update(invites)
    .set({ revokedAt: new Date() })
    .where(and(eq(invites.id, opts.inviteId), isNull(invites.revokedAt), isNull(invites.acceptedAt)));
}
