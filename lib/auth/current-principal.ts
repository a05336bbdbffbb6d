import 'server-only';
import { headers } from 'next/headers';
import { cache } from 'react';
import { getAccount, type Account } from '@/lib/services/auth/get-account';
import { authenticate } from './authenticate';
import type { Principal } from './principal';
import { pickActiveWorkspace, readWorkspaceCookie } from './workspace-cookie';

// Memoized per request: the signed-in layout and the page inside it share one lookup.

/** The signed-in caller for server components and layouts (cookie only; pages have no bearer). */
export const currentPrincipal = cache(async (): Promise<Principal | null> => {
  const h = await headers();
  return authenticate({ cookieHeader: h.get('cookie') });
});

/** The caller and their account, or null when signed out. */
export const currentAccount = cache(async (): Promise<{ principal: Principal; account: Account } | null> => {
  const principal = await currentPrincipal();
  return principal ? { principal, account: await getAccount({ principal }) } : null;
});

export type ActiveWorkspace = Account['workspaces'][number];

/**
 * The signed-in caller, their account and the workspace they are looking at: the one chosen in
 * the header's switcher (cookie) while they still belong to it, else their first workspace.
 */
export const currentWorkspace = cache(async (): Promise<{ principal: Principal; account: Account; active: ActiveWorkspace | null } | null> => {
  const current = await currentAccount();
  if (!current) return null;
  const h = await headers();
  return { ...current, active: pickActiveWorkspace(current.account.workspaces, readWorkspaceCookie(h.get('cookie'))) };
});
