import 'server-only';
import { headers } from 'next/headers';
import { cache } from 'react';
import { getAccount, type Account } from '@/lib/services/auth/get-account';
import { authenticate } from './authenticate';
import type { Principal } from './principal';

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
