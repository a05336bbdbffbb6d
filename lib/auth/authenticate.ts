import { loadPrincipal } from '@/lib/services/auth/load-principal';
import { loadProviderPrincipal } from '@/lib/services/auth/load-provider-principal';
import type { Principal } from './principal';
import { authProvider } from './provider';
import { hashSessionSecret, readCookie, SESSION_COOKIE } from './session-cookie';

export interface Credentials {
  /** Raw `Cookie` header. */
  cookieHeader?: string | null;
  /** A bearer token (from `Authorization` or Socket.IO `auth.token`). */
  token?: string | null;
}

/**
 * The one place credentials become a Principal. A bearer token wins over the cookie when both
 * are present: an explicit credential is what the caller meant. The token is whatever the active
 * provider issues (a Parley access token, a Clerk session token or a Firebase ID token); the
 * cookie is a Parley browser session, however it was signed in.
 */
export async function authenticate(creds: Credentials): Promise<Principal | null> {
  if (typeof creds.token === 'string' && creds.token.length > 0) {
    const verified = await authProvider().verifyToken(creds.token);
    if (!verified) return null;
    if (verified.kind === 'provider') {
      const principal = await loadProviderPrincipal({ identity: verified.identity, sessionKey: verified.sessionKey });
      return principal && { ...principal, expiresAt: verified.expiresAt };
    }
    const principal = await loadPrincipal({ sessionId: verified.sessionId }, 'token');
    if (!principal || principal.userId !== verified.userId) return null;
    return { ...principal, expiresAt: verified.expiresAt };
  }
  const secret = readCookie(creds.cookieHeader, SESSION_COOKIE);
  if (!secret) return null;
  return loadPrincipal({ tokenHash: hashSessionSecret(secret) }, 'cookie');
}

export function bearerToken(authorization: string | null | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  return match?.[1];
}

export function authenticateRequest(req: Request): Promise<Principal | null> {
  return authenticate({ cookieHeader: req.headers.get('cookie'), token: bearerToken(req.headers.get('authorization')) });
}
