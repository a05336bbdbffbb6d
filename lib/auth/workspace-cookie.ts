import { env, isProduction } from '@/lib/env';
import { readCookie } from './session-cookie';

// The workspace a browser last chose in the header's switcher. Only a preference: every request
// is still authorized by membership, and an id the user is no longer a member of is ignored.

export const WORKSPACE_COOKIE = 'parley_workspace';
const ONE_YEAR_S = 365 * 86_400;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function serializeWorkspaceCookie(workspaceId: string): string {
  const parts = [`${WORKSPACE_COOKIE}=${workspaceId}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${ONE_YEAR_S}`];
  const secure = env().COOKIE_SECURE;
  if (secure === 'auto' ? isProduction() : secure === 'true') parts.push('Secure');
  return parts.join('; ');
}

export function readWorkspaceCookie(cookieHeader: string | null | undefined): string | undefined {
  const value = readCookie(cookieHeader, WORKSPACE_COOKIE);
  return value && UUID.test(value) ? value.toLowerCase() : undefined;
}

/** The chosen workspace when the user still belongs to it, else their first (oldest) one. */
export function pickActiveWorkspace<T extends { id: string }>(workspaces: readonly T[], selected: string | undefined): T | null {
  return workspaces.find((w) => w.id === selected) ?? workspaces[0] ?? null;
}
