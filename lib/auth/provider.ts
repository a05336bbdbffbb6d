import { env } from '@/lib/env';
import { signAccessToken, verifyAccessToken, type SignedToken } from './tokens';

/**
 * What an auth provider must do for Parley. `local` is the default; Clerk and Firebase arrive
 * behind this same interface, so REST, Socket.IO and SSE never learn which one is active.
 */
export interface AuthProvider {
  readonly name: 'local' | 'clerk' | 'firebase';
  /** Verifies a bearer token (Socket.IO `auth.token`, `Authorization: Bearer`). */
  verifyToken(token: string): Promise<VerifiedToken | null>;
  /** Issues a short-lived token for the given browser session. */
  issueToken(subject: { userId: string; sessionId: string }): Promise<SignedToken>;
}

export interface VerifiedToken {
  userId: string;
  sessionId: string;
  expiresAt: Date;
}

export const localAuthProvider: AuthProvider = {
  name: 'local',
  async verifyToken(token) {
    const result = await verifyAccessToken(token);
    return result.ok ? { ...result.claims, expiresAt: result.expiresAt } : null;
  },
  issueToken(subject) {
    return signAccessToken(subject, { ttlSeconds: env().TOKEN_TTL_SECONDS });
  },
};

export function authProvider(): AuthProvider {
  return localAuthProvider;
}
