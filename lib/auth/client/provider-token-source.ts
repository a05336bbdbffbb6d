import { AppError } from '@/lib/errors';
import type { GetToken, TokenGrant } from '@/lib/realtime/connection-store';

/** Asks the provider SDK for its current token; `null` = signed out there. */
export type ProviderGetToken = (forceRefresh: boolean) => Promise<string | null>;

/** How long a handshake waits for the provider SDK to load before falling back to the session cookie. */
const SDK_READY_TIMEOUT_MS = 15_000;

/** A JWT's expiry, read without verifying (the server verifies; the browser only schedules). */
export function grantFromJwt(token: string): TokenGrant {
  const part = token.split('.')[1] ?? '';
  let exp: unknown;
  try {
    exp = (JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown }).exp;
  } catch {
    exp = undefined;
  }
  if (typeof exp !== 'number') throw new AppError('unauthorized', 'The sign-in provider returned an unreadable token.');
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}

/**
 * The connection store's token source for Clerk and Firebase. The store is created once per tab,
 * before the provider SDK has loaded, so this hands out a stable `getToken` that waits until the
 * SDK bridge connects it (`attach`). If the SDK never loads (blocked script, offline), the wait
 * times out and the handshake falls back to the session cookie.
 */
export function createProviderTokenSource() {
  let attach!: (fn: ProviderGetToken) => void;
  let source = new Promise<ProviderGetToken>((resolve) => (attach = resolve));

  const getToken: GetToken = async ({ forceRefresh }) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fn = await Promise.race([
      source,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new AppError('service_unavailable', 'The sign-in provider did not load.')), SDK_READY_TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    const token = await fn(forceRefresh);
    if (!token) throw new AppError('unauthorized', 'You are signed out at the sign-in provider.');
    return grantFromJwt(token);
  };

  return {
    getToken,
    /** Connects the provider SDK; later calls replace it (e.g. a re-rendered hook's newer getter). */
    attach(fn: ProviderGetToken) {
      attach(fn);
      source = Promise.resolve(fn);
    },
  };
}
