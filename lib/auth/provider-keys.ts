import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { AppError } from '@/lib/errors';

/** Where a provider's token-signing public keys come from: one PEM, or a JWKS URL (by `kid`). */
export type ProviderKeys = KeyObject | JWTVerifyGetKey;

/** A PEM public key or X.509 certificate (Firebase publishes certificates) as a verification key. */
export function pemKey(pem: string): KeyObject {
  return createPublicKey(pem);
}

export interface JwksOptions {
  /** Extra request headers (Clerk's Backend API wants the secret key as a bearer). */
  headers?: Record<string, string>;
  /** How long fetched keys are trusted before a refetch (default 10 min). */
  cacheMaxAgeMs?: number;
  /** Least time between two refetches caused by an unknown `kid` (default 30 s), so junk tokens cannot hammer the key server. */
  cooldownMs?: number;
  timeoutMs?: number;
}

/**
 * Keys from a JWKS URL, cached; a token naming a `kid` not in the cache triggers one refetch
 * (key rotation), at most once per cooldown.
 */
export function jwksKeys(url: string, opts: JwksOptions = {}): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(url), {
    headers: opts.headers,
    cacheMaxAge: opts.cacheMaxAgeMs ?? 10 * 60_000,
    cooldownDuration: opts.cooldownMs ?? 30_000,
    timeoutDuration: opts.timeoutMs ?? 5_000,
  });
}

/**
 * jose's errors for "the key server did not answer usefully" are our outage, not the caller's bad
 * token: they become a 503 (REST) / `unavailable` (Socket.IO), so browsers retry instead of
 * concluding they were signed out.
 */
export function keyServerFailure(err: unknown): AppError | null {
  const unreachable =
    err instanceof errors.JWKSTimeout ||
    err instanceof errors.JWKSInvalid ||
    (err instanceof errors.JOSEError && err.code === 'ERR_JOSE_GENERIC' && /fetch|response/i.test(err.message)) ||
    (err instanceof TypeError && /fetch/i.test(err.message));
  return unreachable ? new AppError('service_unavailable', 'The sign-in provider’s keys could not be fetched; try again shortly.', { cause: err }) : null;
}

/** jwtVerify with either key source (its overloads do not accept the union). */
export function verifyWithKeys(token: string, keys: ProviderKeys, options: JWTVerifyOptions) {
  return typeof keys === 'function' ? jwtVerify(token, keys, options) : jwtVerify(token, keys, options);
}
