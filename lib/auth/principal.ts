import type { MembershipRole } from '@/lib/db/schema';

export interface WorkspaceMembership {
  workspaceId: string;
  role: MembershipRole;
}

/** Who is calling, resolved the same way for REST, Socket.IO and SSE. */
export interface Principal {
  userId: string;
  /**
   * The sign-in the credential belongs to (revoking it revokes its tokens): a Parley browser
   * session id, or for `via: 'provider'` the provider's sign-in (`clerk:{sid}`, `firebase:{uid}:{auth_time}`).
   */
  sessionId: string;
  /** Parley session cookie, Parley access token, or a Clerk/Firebase token. */
  via: 'cookie' | 'token' | 'provider';
  memberships: WorkspaceMembership[];
  /** When a token-authenticated connection must refresh its token. */
  expiresAt?: Date;
}

export function workspaceIds(principal: Principal): string[] {
  return principal.memberships.map((m) => m.workspaceId);
}

export function roleIn(principal: Principal, workspaceId: string): MembershipRole | undefined {
  return principal.memberships.find((m) => m.workspaceId === workspaceId)?.role;
}
