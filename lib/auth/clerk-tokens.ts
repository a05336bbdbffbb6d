import { type ProviderKeys, verifyWithKeys } from './provider-keys';
import { CLOCK_TOLERANCE_SECONDS, notInFuture, optionalString, type ProviderTokenResult, verifyProviderToken } from './provider-token';

export interface ClerkVerifierOptions {
  keys: ProviderKeys;
  /** `https://{Frontend API host}`, from the publishable key: tokens of another Clerk instance are refused. */
  issuer: string;
  /** Origins allowed in `azp` (the page that asked for the token); unset = any. */
  authorizedParties?: string[];
}

/**
 * Verifies a Clerk session token (the `__session` JWT that `getToken()` returns) the way Clerk's
 * manual-verification guide describes: RS256 signature, `exp`/`nbf`, `azp` against the allowed
 * origins, and a session that is active (`sts` is not `pending`). Template tokens (no `sid`) are
 * refused: they are meant for third parties, not for signing in.
 */
export function createClerkVerifier(opts: ClerkVerifierOptions) {
  return (token: string, now = new Date()): Promise<ProviderTokenResult> =>
    verifyProviderToken(token, async () => {
      const { payload, protectedHeader } = await verifyWithKeys(token, opts.keys, {
        algorithms: ['RS256'],
        issuer: opts.issuer,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: now,
        requiredClaims: ['sub', 'sid', 'exp', 'iat'],
      });
      if (protectedHeader.typ !== undefined && protectedHeader.typ !== 'JWT') return null;
      const { sub, sid, exp, azp } = payload;
      if (typeof sub !== 'string' || sub === '' || sub.length > 128) return null;
      if (typeof sid !== 'string' || sid === '' || sid.length > 128) return null;
      if (typeof exp !== 'number' || !notInFuture(payload.iat, now)) return null;
      if (azp !== undefined && opts.authorizedParties?.length && (typeof azp !== 'string' || !opts.authorizedParties.includes(azp))) return null;
      // A session with an unfinished task (e.g. choose an organization) is not signed in yet.
      if (payload.sts === 'pending') return null;
      // `email`/`name` appear only when added to the session token in Clerk's dashboard; Clerk
      // puts only verified primary addresses there, unless the claim says otherwise.
      const email = payload.email_verified === false ? undefined : optionalString(payload, 'email', 254)?.toLowerCase();
      return {
        ok: true,
        identity: { provider: 'clerk', subject: sub, email, name: optionalString(payload, 'name', 100) },
        sessionKey: `clerk:${sid}`,
        expiresAt: new Date(exp * 1000),
      };
    });
}
