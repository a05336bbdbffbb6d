import { type ProviderKeys, verifyWithKeys } from './provider-keys';
import { CLOCK_TOLERANCE_SECONDS, notInFuture, optionalString, type ProviderTokenResult, verifyProviderToken } from './provider-token';

/** Google's public keys for Firebase ID tokens, as a JWKS (rotated every few hours, looked up by `kid`). */
export const GOOGLE_SECURETOKEN_JWKS_URL = 'https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com';

export interface FirebaseVerifierOptions {
  projectId: string;
  keys: ProviderKeys;
}

/**
 * Verifies a Firebase ID token as Firebase's "verify ID tokens using a third-party JWT library"
 * guide specifies: RS256 with a `kid`, `aud` = project id, `iss` = securetoken.google.com/{project},
 * `exp` in the future, `iat` and `auth_time` in the past, and a non-empty `sub` (the uid).
 */
export function createFirebaseVerifier(opts: FirebaseVerifierOptions) {
  const issuer = `https://securetoken.google.com/${opts.projectId}`;
  return (token: string, now = new Date()): Promise<ProviderTokenResult> =>
    verifyProviderToken(token, async () => {
      const { payload, protectedHeader } = await verifyWithKeys(token, opts.keys, {
        algorithms: ['RS256'],
        issuer,
        audience: opts.projectId,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: now,
        requiredClaims: ['sub', 'exp', 'iat', 'auth_time'],
      });
      if (typeof protectedHeader.kid !== 'string' || protectedHeader.kid === '') return null;
      const { sub, exp } = payload;
      if (typeof sub !== 'string' || sub === '' || sub.length > 128) return null;
      if (typeof exp !== 'number' || !notInFuture(payload.iat, now)) return null;
      const authTime = payload.auth_time;
      if (!notInFuture(authTime, now)) return null;
      const email = payload.email_verified === true ? optionalString(payload, 'email', 254)?.toLowerCase() : undefined;
      return {
        ok: true,
        identity: { provider: 'firebase', subject: sub, email, name: optionalString(payload, 'name', 100) },
        // Refreshed ID tokens keep `auth_time`: it names one sign-in, as Clerk's `sid` does.
        sessionKey: `firebase:${sub}:${authTime}`,
        expiresAt: new Date(exp * 1000),
      };
    });
}
