import { and, eq, isNull } from 'drizzle-orm';
import { hashInviteToken, newInviteToken } from '@/lib/auth/invite-token';
import type { Principal } from '@/lib/auth/principal';
import { requireManager } from '@/lib/auth/require-role';
import { getDb, isUniqueViolation } from '@/lib/db';
import { invites, memberships, users } from '@/lib/db/schema';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import type { InviteInput } from '@/lib/validation/workspace';
import type { InviteView } from './views';

const DAY_MS = 86_400_000;

/**
 * A new invitation link for one email address and role (admin or agent), valid INVITE_TTL_DAYS.
 * The raw token is returned once, to build the link the inviter copies; only its hash is stored.
 * Inviting an address again replaces its pending invite (the old link stops working), which is
 * how a lost link is "resent".
 */
export async function createInvite(opts: { principal: Principal; workspaceId: string; input: InviteInput }): Promise<{ invite: InviteView; token: string }> {
  const { principal, workspaceId } = opts;
  requireManager(principal, workspaceId, 'invite people');
  const email = opts.input.email.trim().toLowerCase();
  const db = await getDb();

  const [member] = await db
    .select({ userId: users.id })
    .from(users)
    .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.workspaceId, workspaceId)))
    .where(eq(users.email, email))
    .limit(1);
  if (member) throw new AppError('conflict', `${email} is already a member of this workspace.`);

  const token = newInviteToken();
  const expiresAt = new Date(Date.now() + env().INVITE_TTL_DAYS * DAY_MS);
  try {
    const row = await db.transaction(async (tx) => {
      await tx
        .update(invites)
        .set({ revokedAt: new Date() })
        .where(and(eq(invites.workspaceId, workspaceId), eq(invites.email, email), isNull(invites.acceptedAt), isNull(invites.revokedAt)));
      const [inserted] = await tx
        .insert(invites)
        .values({ workspaceId, email, role: opts.input.role, tokenHash: hashInviteToken(token), invitedBy: principal.userId, expiresAt })
        .returning();
      return inserted!;
    });
    const [inviter] = await db.select({ name: users.name }).from(users).where(eq(users.id, principal.userId));
    return {
      token,
      invite: {
        id: row.id,
        workspaceId,
        email,
        role: opts.input.role,
        invitedBy: inviter ? { userId: principal.userId, name: inviter.name } : null,
        createdAt: row.createdAt.toISOString(),
        expiresAt: row.expiresAt.toISOString(),
        expired: false,
      },
    };
  } catch (err) {
    // Two people inviting the same address at the same moment: one invite wins.
    if (isUniqueViolation(err, 'invites_pending_email_key')) {
      throw new AppError('conflict', `An invitation for ${email} was just created by someone else. Refresh the list.`);
    }
    throw err;
  }
}
