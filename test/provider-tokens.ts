import { randomBytes } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';

// Locally minted Clerk and Firebase tokens: the providers are replaced at their network edge
// (their signing keys and key servers), never inside Parley's verification.

export interface TestKey {
  kid: string;
  privateKey: CryptoKey;
  /** SPKI PEM, as Clerk's dashboard shows it (CLERK_JWT_KEY / FIREBASE_PUBLIC_KEY). */
  pem: string;
  /** The public JWK as a key server publishes it. */
  jwk: JWK;
}

export async function createTestKey(kid = `kid-${randomBytes(4).toString('hex')}`): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, pem: await exportSPKI(publicKey), jwk };
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Signs `claims` exactly as given (times included). `kid: null` leaves the header without one. */
export function mint(key: TestKey, claims: JWTPayload, header: { kid?: string | null; typ?: string } = {}): Promise<string> {
  const kid = header.kid === null ? undefined : (header.kid ?? key.kid);
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: header.typ ?? 'JWT', ...(kid ? { kid } : {}) }).sign(key.privateKey);
}

const b64 = (obj: object) => Buffer.from(JSON.stringify(obj)).toString('base64url');
const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as JWTPayload;

/** The same claims with `alg: none` and no signature. */
export function unsigned(token: string): string {
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payloadOf(token))}.`;
}

/** A validly signed token whose payload was edited afterwards (signature kept). */
export function tampered(token: string, patch: JWTPayload): string {
  const [header, , signature] = token.split('.');
  return `${header}.${b64({ ...payloadOf(token), ...patch })}.${signature}`;
}

/** The classic key-confusion forgery: HS256 "signed" with the RSA public key as the HMAC secret. */
export function hs256WithPublicKey(key: TestKey, claims: JWTPayload): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: key.kid }).sign(new TextEncoder().encode(key.pem));
}

// ── Firebase ──────────────────────────────────────────────────────────────────────────────

export const FIREBASE_PROJECT = 'parley-test';

/** A Firebase ID token's claims (as securetoken.google.com issues them) for `uid`. */
export function firebaseClaims(uid: string, overrides: JWTPayload = {}, projectId = FIREBASE_PROJECT): JWTPayload {
  const now = nowSeconds();
  return {
    iss: `https://securetoken.google.com/${projectId}`,
    aud: projectId,
    auth_time: now - 30,
    user_id: uid,
    sub: uid,
    iat: now - 10,
    exp: now + 3600,
    email: `${uid.toLowerCase()}@example.com`,
    email_verified: true,
    name: 'Fire Base',
    firebase: { identities: {}, sign_in_provider: 'password' },
    ...overrides,
  };
}

// ── Clerk ─────────────────────────────────────────────────────────────────────────────────

export const CLERK_FRONTEND_API = 'clerk.parley.test';
export const CLERK_PUBLISHABLE_KEY = `pk_test_${Buffer.from(`${CLERK_FRONTEND_API}$`).toString('base64')}`;
export const CLERK_ISSUER = `https://${CLERK_FRONTEND_API}`;

/** A Clerk session token's claims (v2 shape) for `userId` in session `sid`. */
export function clerkClaims(userId: string, overrides: JWTPayload = {}): JWTPayload {
  const now = nowSeconds();
  return {
    iss: CLERK_ISSUER,
    sub: userId,
    sid: `sess_${userId.slice(5)}`,
    azp: 'http://localhost:3000',
    iat: now - 5,
    nbf: now - 15,
    exp: now + 60,
    v: 2,
    sts: 'active',
    ...overrides,
  };
}
