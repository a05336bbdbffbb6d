import type { MembershipRole } from '@/lib/db/schema';

export interface WorkspaceMembership {
  workspaceId: string;
  role: MembershipRole;
}

/** Who is calling, resolved the same way for REST, Socket.IO and (later) SSE. */
export interface Principal {
  userId: string;
  /** The browser session the credential belongs to (revoking it revokes its tokens). */
  sessionId: string;
  via: 'cookie' | 'token';
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
