import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { hashInviteToken, isInviteTokenShape } from '@/lib/auth/invite-token';
import { roleIn, type Principal } from '@/lib/auth/principal';
import { getDb } from '@/lib/db';
import { invites, memberships, users, workspaces, type MembershipRole } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { publishMembership } from '@/lib/services/workspaces/publish-membership';
import { inviteProblem } from './get-invite-preview';
import type { InviteProblem } from './views';

const PROBLEM: Record<'expired' | 'used' | 'revoked', { code: 'gone' | 'conflict'; message: string }> = {
  expired: { code: 'gone', message: 'This invitation has expired. Ask for a new one.' },
  revoked: { code: 'gone', message: 'This invitation was withdrawn. Ask for a new one.' },
  used: { code: 'conflict', message: 'This invitation has already been used.' },
};

function problem(reason: InviteProblem, code: AppError['code'], message: string): AppError {
  return new AppError(code, message, { details: { reason } });
}

/**
 * The signed-in user joins the invitation's workspace with its role. The invite is bound to its
 * email address: only the account with that address (verified, for Clerk and Firebase accounts)
 * may use it, so a forwarded or leaked link is useless to anyone else. Single use: the claim is one
 * conditional UPDATE, so of two accepts racing for one link exactly one succeeds.
 */
export async function acceptInvite(opts: { principal: Principal; token: string }): Promise<{ workspace: { id: string; name: string }; role: MembershipRole }> {
  const { principal } = opts;
  if (!isInviteTokenShape(opts.token)) throw problem('invalid', 'not_found', 'This invitation link is not valid. Check that you copied all of it.');
  const db = await getDb();
  const tokenHash = hashInviteToken(opts.token);
  const [row] = await db
    .select({ invite: invites, workspaceName: workspaces.name })
    .from(invites)
    .innerJoin(workspaces, eq(workspaces.id, invites.workspaceId))
    .where(eq(invites.tokenHash, tokenHash))
    .limit(1);
  if (!row) throw problem('invalid', 'not_found', 'This invitation link is not valid. Check that you copied all of it.');
  const { invite } = row;
  const workspace = { id: invite.workspaceId, name: row.workspaceName };

  const state = inviteProblem(invite);
  if (state) throw problem(state, PROBLEM[state].code, PROBLEM[state].message);
  if (roleIn(principal, invite.workspaceId)) {
    throw problem('already_member', 'conflict', `You are already a member of ${workspace.name}.`);
  }
  const [user] = await db.select({ email: users.email }).from(users).where(eq(users.id, principal.userId));
  if (!user || user.email !== invite.email) {
    throw problem(
      'wrong_account',
      'forbidden',
      `This invitation is for ${invite.email}, but you are signed in as ${user?.email ?? 'another account'}. Sign in with ${invite.email} to accept it.`,
    );
  }

  const joined = await db.transaction(async (tx) => {
    const [claimed] = await tx
      .update(invites)
      .set({ acceptedAt: new Date(), acceptedBy: principal.userId })
      .where(and(eq(invites.id, invite.id), isNull(invites.acceptedAt), isNull(invites.revokedAt), gt(invites.expiresAt, sql`now()`)))
      .returning({ id: invites.id });
    if (!claimed) return false;
    await tx.insert(memberships).values({ workspaceId: invite.workspaceId, userId: principal.userId, role: invite.role }).onConflictDoNothing();
    return true;
  });
  if (!joined) {
    // Lost a race: someone accepted (or revoked) it between our read and the claim.
    const [now] = await db.select().from(invites).where(eq(invites.id, invite.id));
    const late = (now && inviteProblem(now)) ?? 'used';
    throw problem(late, PROBLEM[late].code, PROBLEM[late].message);
  }
  await publishMembership(db, { userId: principal.userId, workspaceId: invite.workspaceId, role: invite.role, reason: 'added' });
  return { workspace, role: invite.role };
}
