import { eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { hashInviteToken, isInviteTokenShape } from '@/lib/auth/invite-token';
import { getDb } from '@/lib/db';
import { invites, users, workspaces, type Invite } from '@/lib/db/schema';
import type { InviteProblem } from './views';

export interface InvitePreview {
  /** null: the link can be accepted (by the invited address). */
  problem: Extract<InviteProblem, 'expired' | 'used' | 'revoked'> | null;
  workspaceId: string;
  workspaceName: string;
  inviterName: string | null;
  email: string;
  role: Invite['role'];
  expiresAt: string;
}

/**
 * What the invite page shows to whoever holds the link: whose workspace, who invited, for which
 * address, and whether it still works. Null when the token matches no invitation.
 */
export async function getInvitePreview(opts: { token: string }): Promise<InvitePreview | null> {
  if (!isInviteTokenShape(opts.token)) return null;
  const db = await getDb();
  const inviter = alias(users, 'inviter');
  const [row] = await db
    .select({ invite: invites, workspaceName: workspaces.name, inviterName: inviter.name })
    .from(invites)
    .innerJoin(workspaces, eq(workspaces.id, invites.workspaceId))
    .leftJoin(inviter, eq(inviter.id, invites.invitedBy))
    .where(eq(invites.tokenHash, hashInviteToken(opts.token)))
    .limit(1);
  if (!row) return null;
  return {
    problem: inviteProblem(row.invite),
    workspaceId: row.invite.workspaceId,
    workspaceName: row.workspaceName,
    inviterName: row.inviterName,
    email: row.invite.email,
    role: row.invite.role,
    expiresAt: row.invite.expiresAt.toISOString(),
  };
}

/** Used beats revoked beats expired: the most final state is the one worth telling. */
export function inviteProblem(invite: Pick<Invite, 'acceptedAt' | 'revokedAt' | 'expiresAt'>, now = Date.now()): InvitePreview['problem'] {
  if (invite.acceptedAt) return 'used';
  if (invite.revokedAt) return 'revoked';
  if (invite.expiresAt.getTime() <= now) return 'expired';
  return null;
}
