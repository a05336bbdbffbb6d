import { errors, jwtVerify, SignJWT } from 'jose';
import { deriveKey } from '@/lib/secrets/app-secret';

// Short-lived bearer tokens for Socket.IO `auth.token`, SSE `Authorization: Bearer` and scripts.
// Each token names the browser session it came from, so signing out revokes its tokens too.

const ISSUER = 'parley';
const AUDIENCE = 'parley:api';
const ALGORITHM = 'HS256';

export interface AccessTokenClaims {
  userId: string;
  sessionId: string;
}

export interface SignedToken {
  token: string;
  expiresAt: Date;
}

function signingKey(): Uint8Array {
  return deriveKey('access-token-signing');
}

export async function signAccessToken(
  claims: AccessTokenClaims,
  opts: { ttlSeconds: number; now?: Date; key?: Uint8Array },
): Promise<SignedToken> {
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const exp = now + opts.ttlSeconds;
  const token = await new SignJWT({ sid: claims.sessionId })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .sign(opts.key ?? signingKey());
  return { token, expiresAt: new Date(exp * 1000) };
}

export type TokenFailure = 'expired' | 'invalid';

export async function verifyAccessToken(
  token: string,
  opts: { now?: Date; key?: Uint8Array } = {},
): Promise<{ ok: true; claims: AccessTokenClaims; expiresAt: Date } | { ok: false; reason: TokenFailure }> {
  if (token.length > 4096) return { ok: false, reason: 'invalid' };
  try {
    const { payload } = await jwtVerify(token, opts.key ?? signingKey(), {
      algorithms: [ALGORITHM], // refuses `alg: none` and any algorithm swap
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: opts.now,
      requiredClaims: ['sub', 'exp', 'sid'],
    });
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || typeof payload.exp !== 'number') {
      return { ok: false, reason: 'invalid' };
    }
    return { ok: true, claims: { userId: payload.sub, sessionId: payload.sid }, expiresAt: new Date(payload.exp * 1000) };
  } catch (err) {
    return { ok: false, reason: err instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
}
