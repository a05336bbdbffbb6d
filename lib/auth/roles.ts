import type { MembershipRole } from '@/lib/db/schema';

// Who may do what in a workspace, in one place for the services (which enforce it) and the UI
// (which hides or disables what the caller cannot do). Pure: safe to import in the browser.

export const ROLES: readonly MembershipRole[] = ['owner', 'admin', 'agent'];

export const ROLE_LABEL: Record<MembershipRole, string> = { owner: 'Owner', admin: 'Admin', agent: 'Agent' };

/** Owners and admins create, edit, link and delete bots, invite people and manage members. */
export function canManage(role: MembershipRole | null | undefined): role is 'owner' | 'admin' {
  return role === 'owner' || role === 'admin';
}

/**
 * The roles `actor` may give a member who is `target` now (the current role included when it may
 * be kept). Admins never touch owners and never make owners; agents change nothing.
 */
export function assignableRoles(actor: MembershipRole | null | undefined, target: MembershipRole): MembershipRole[] {
  if (actor === 'owner') return ['owner', 'admin', 'agent'];
  if (actor === 'admin' && target !== 'owner') return ['admin', 'agent'];
  return [];
}

/** Whether `actor` may remove a member who is `target` (leaving oneself is always asked for separately). */
export function canRemove(actor: MembershipRole | null | undefined, target: MembershipRole): boolean {
  if (actor === 'owner') return true;
  return actor === 'admin' && target !== 'owner';
}

/** Why the caller cannot manage bots, shown beside what is hidden or disabled. */
export const AGENT_BOT_REASON = 'Agents can read bots and answer conversations; only owners and admins can create, edit, link or delete bots.';
