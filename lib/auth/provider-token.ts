import { errors, type JWTPayload } from 'jose';
import type { AuthProviderName } from '@/lib/env';
import { keyServerFailure } from './provider-keys';

export type ExternalProvider = Exclude<AuthProviderName, 'local'>;

/** Who a verified Clerk or Firebase token says the caller is. */
export interface ProviderIdentity {
  provider: ExternalProvider;
  /** The provider's user id (Clerk `user_…`, Firebase uid). */
  subject: string;
  /** Only an address the provider says is verified, so nobody can claim someone else's. */
  email?: string;
  name?: string;
}

export type ProviderTokenResult =
  | {
      ok: true;
      identity: ProviderIdentity;
      /** The provider sign-in this token belongs to (`clerk:{sid}`, `firebase:{uid}:{auth_time}`). */
      sessionKey: string;
      expiresAt: Date;
    }
  | { ok: false; reason: 'expired' | 'invalid' };

/** Both providers allow a few seconds of clock skew between their servers and ours. */
export const CLOCK_TOLERANCE_SECONDS = 5;
const MAX_TOKEN_LENGTH = 8192;

/**
 * Runs a provider's verification, turning jose's errors into expired/invalid, except that an
 * unreachable key server is thrown (an outage, not a bad token).
 */
export async function verifyProviderToken(
  token: string,
  verify: () => Promise<Exclude<ProviderTokenResult, { ok: false }> | null>,
): Promise<ProviderTokenResult> {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'invalid' };
  try {
    return (await verify()) ?? { ok: false, reason: 'invalid' };
  } catch (err) {
    const outage = keyServerFailure(err);
    if (outage) throw outage;
    return { ok: false, reason: err instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
}

/** `iat` (and Firebase's `auth_time`) must not be in the future: jose only checks `exp`/`nbf`. */
export function notInFuture(value: unknown, now: Date): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value <= now.getTime() / 1000 + CLOCK_TOLERANCE_SECONDS;
}

export function optionalString(payload: JWTPayload, claim: string, max: number): string | undefined {
  const v = payload[claim];
  return typeof v === 'string' && v.trim() !== '' && v.length <= max ? v.trim() : undefined;
}
