import { type AuthProviderName, clerkFrontendApi, env, type Env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { createClerkVerifier } from './clerk-tokens';
import { createFirebaseVerifier, GOOGLE_SECURETOKEN_JWKS_URL } from './firebase-tokens';
import { jwksKeys, pemKey, type ProviderKeys } from './provider-keys';
import type { ProviderIdentity, ProviderTokenResult } from './provider-token';
import { signAccessToken, verifyAccessToken, type SignedToken } from './tokens';

/**
 * What an auth provider must do for Parley (`AUTH_PROVIDER`). REST, Socket.IO and SSE all reach
 * `verifyToken()` through `authenticate()`, so none of them learns which provider is active.
 */
export interface AuthProvider {
  readonly name: AuthProviderName;
  /** Verifies a bearer token (Socket.IO `auth.token`, `Authorization: Bearer`). Throws only on an outage. */
  verifyToken(token: string): Promise<VerifiedToken | null>;
  /** Issues a short-lived Parley token for a browser session (local only: Clerk and Firebase issue their own). */
  issueToken?(subject: { userId: string; sessionId: string }): Promise<SignedToken>;
}

export type VerifiedToken =
  /** A Parley access token: names a Parley browser session. */
  | { kind: 'session'; userId: string; sessionId: string; expiresAt: Date }
  /** A Clerk or Firebase token: names an external account, mapped to a Parley user by authenticate(). */
  | { kind: 'provider'; identity: ProviderIdentity; sessionKey: string; expiresAt: Date };

export const localAuthProvider: AuthProvider = {
  name: 'local',
  async verifyToken(token) {
    const result = await verifyAccessToken(token);
    return result.ok ? { kind: 'session', ...result.claims, expiresAt: result.expiresAt } : null;
  },
  issueToken(subject) {
    return signAccessToken(subject, { ttlSeconds: env().TOKEN_TTL_SECONDS });
  },
};

function externalProvider(name: 'clerk' | 'firebase', verify: (token: string) => Promise<ProviderTokenResult>): AuthProvider {
  return {
    name,
    async verifyToken(token) {
      const result = await verify(token);
      return result.ok ? { kind: 'provider', identity: result.identity, sessionKey: result.sessionKey, expiresAt: result.expiresAt } : null;
    },
  };
}

/** Clerk: the PEM key verifies offline; otherwise Clerk's Backend API serves the keys (secret key as bearer). */
export function clerkProvider(e: Env): AuthProvider {
  const keys: ProviderKeys = e.CLERK_JWT_KEY
    ? pemKey(e.CLERK_JWT_KEY)
    : jwksKeys(new URL('/v1/jwks', e.CLERK_API_URL).href, { headers: { authorization: `Bearer ${e.CLERK_SECRET_KEY}` } });
  const issuer = `https://${clerkFrontendApi(e.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY!)}`;
  return externalProvider('clerk', createClerkVerifier({ keys, issuer, authorizedParties: e.CLERK_AUTHORIZED_PARTIES }));
}

/** Firebase: Google's JWKS unless FIREBASE_JWKS_URL or FIREBASE_PUBLIC_KEY says otherwise. */
export function firebaseProvider(e: Env): AuthProvider {
  const keys = e.FIREBASE_PUBLIC_KEY ? pemKey(e.FIREBASE_PUBLIC_KEY) : jwksKeys(e.FIREBASE_JWKS_URL ?? GOOGLE_SECURETOKEN_JWKS_URL);
  return externalProvider('firebase', createFirebaseVerifier({ projectId: e.FIREBASE_PROJECT_ID!, keys }));
}

// One instance per validated environment: the JWKS cache lives in it, and tests that change the
// environment get a fresh one.
const CACHE = Symbol.for('parley.auth-provider');
type ProviderCache = { [CACHE]?: { env: Env; provider: AuthProvider } };

export function authProvider(): AuthProvider {
  const e = env();
  const g = globalThis as ProviderCache;
  if (g[CACHE]?.env !== e) {
    const provider = e.AUTH_PROVIDER === 'clerk' ? clerkProvider(e) : e.AUTH_PROVIDER === 'firebase' ? firebaseProvider(e) : localAuthProvider;
    g[CACHE] = { env: e, provider };
  }
  return g[CACHE]!.provider;
}

const PROVIDER_LABEL: Record<AuthProviderName, string> = { local: 'Parley', clerk: 'Clerk', firebase: 'Firebase' };

export function providerLabel(name: AuthProviderName): string {
  return PROVIDER_LABEL[name];
}

/** Password sign-up and sign-in exist only with the local provider: elsewhere they would bypass it. */
export function assertLocalAuth(): void {
  const name = env().AUTH_PROVIDER;
  if (name !== 'local') throw new AppError('not_found', `Password accounts are turned off: this server signs in with ${providerLabel(name)}.`);
}
