import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Principal } from '@/lib/auth/principal';
import { requireManager } from '@/lib/auth/require-role';
import { getDb } from '@/lib/db';
import { invites, users } from '@/lib/db/schema';
import type { InviteView } from './views';

/** Invitations not yet accepted or revoked, newest first (expired ones flagged). Owners and admins. */
export async function listInvites(opts: { principal: Principal; workspaceId: string }): Promise<{ invites: InviteView[] }> {
  requireManager(opts.principal, opts.workspaceId, 'see invitations');
  const db = await getDb();
  const rows = await db
    .select({ invite: invites, inviterName: users.name })
    .from(invites)
    .leftJoin(users, eq(users.id, invites.invitedBy))
    .where(and(eq(invites.workspaceId, opts.workspaceId), isNull(invites.acceptedAt), isNull(invites.revokedAt)))
    .orderBy(desc(invites.createdAt), desc(invites.id));
  const now = Date.now();
  return {
    invites: rows.map(({ invite, inviterName }) => ({
      id: invite.id,
      workspaceId: invite.workspaceId,
      email: invite.email,
      // invites_role_not_owner keeps 'owner' out of this column.
      role: invite.role as InviteView['role'],
      invitedBy: invite.invitedBy && inviterName !== null ? { userId: invite.invitedBy, name: inviterName } : null,
      createdAt: invite.createdAt.toISOString(),
      expiresAt: invite.expiresAt.toISOString(),
      expired: invite.expiresAt.getTime() <= now,
    })),
  };
}
