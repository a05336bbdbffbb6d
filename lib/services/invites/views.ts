import type { MembershipRole } from '@/lib/db/schema';

/** A pending invitation as owners and admins see it (never the token: it is not stored). */
export interface InviteView {
  id: string;
  workspaceId: string;
  email: string;
  role: Exclude<MembershipRole, 'owner'>;
  invitedBy: { userId: string; name: string } | null;
  createdAt: string;
  expiresAt: string;
  /** Past expiresAt: the link no longer works; create a new invite. */
  expired: boolean;
}

/** Why an invitation link cannot be used (the API's `error.details.reason`, the invite page's message). */
export type InviteProblem = 'invalid' | 'expired' | 'used' | 'revoked' | 'wrong_account' | 'already_member';
