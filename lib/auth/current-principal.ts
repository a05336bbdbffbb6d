import 'server-only';
import { headers } from 'next/headers';
import { authenticate } from './authenticate';
import type { Principal } from './principal';

/** The signed-in caller for server components and layouts (cookie only; pages have no bearer). */
export async function currentPrincipal(): Promise<Principal | null> {
  const h = await headers();
  return authenticate({ cookieHeader: h.get('cookie') });
}
