import type { MembershipRole } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { roleIn, type Principal } from './principal';
import { canManage } from './roles';

/**
 * The caller's role in the workspace. Not a member: 404, the same answer as for a workspace that
 * does not exist, so ids of other workspaces reveal nothing.
 */
export function requireMember(principal: Principal, workspaceId: string): MembershipRole {
  const role = roleIn(principal, workspaceId);
  if (!role) throw new AppError('not_found', 'Workspace not found.');
  return role;
}

/** Owner or admin of the workspace, else 404 (not a member) or 403 naming what only they may do. */
export function requireManager(principal: Principal, workspaceId: string, action: string): 'owner' | 'admin' {
  const role = requireMember(principal, workspaceId);
  if (!canManage(role)) throw new AppError('forbidden', `Only workspace owners and admins can ${action}.`);
  return role;
}
