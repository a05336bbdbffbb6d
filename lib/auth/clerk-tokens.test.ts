import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJwksServer, type JwksServer } from '@/test/jwks-server';
import { CLERK_ISSUER, clerkClaims, createTestKey, hs256WithPublicKey, mint, nowSeconds, tampered, type TestKey, unsigned } from '@/test/provider-tokens';
import { createClerkVerifier } from './clerk-tokens';
import { jwksKeys, pemKey } from './provider-keys';

let key: TestKey;
let other: TestKey;

beforeAll(async () => {
  [key, other] = await Promise.all([createTestKey('ins_test'), createTestKey('ins_test')]);
});

/** Networkless, as with CLERK_JWT_KEY. */
const verifier = (authorizedParties?: string[]) => createClerkVerifier({ keys: pemKey(key.pem), issuer: CLERK_ISSUER, authorizedParties });

describe('Clerk session token verification (CLERK_JWT_KEY)', () => {
  it('accepts a valid session token: user, session and expiry', async () => {
    const claims = clerkClaims('user_valid1');
    expect(await verifier()(await mint(key, claims))).toEqual({
      ok: true,
      identity: { provider: 'clerk', subject: 'user_valid1', email: undefined, name: undefined },
      sessionKey: 'clerk:sess_valid1',
      expiresAt: new Date(claims.exp! * 1000),
    });
  });

  it('reads email and name when the session token is customized to carry them', async () => {
    const result = await verifier()(await mint(key, clerkClaims('user_named', { email: 'Named@Example.com', name: 'Named Person' })));
    expect(result).toMatchObject({ ok: true, identity: { email: 'named@example.com', name: 'Named Person' } });
    const unverified = await verifier()(await mint(key, clerkClaims('user_named', { email: 'x@example.com', email_verified: false })));
    expect(unverified).toMatchObject({ ok: true, identity: { email: undefined } });
  });

  it('reports an expired token as expired (Clerk tokens live 60 s)', async () => {
    const token = await mint(key, clerkClaims('user_old', { iat: nowSeconds() - 120, nbf: nowSeconds() - 130, exp: nowSeconds() - 60 }));
    expect(await verifier()(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it.each([
    ['another Clerk instance’s issuer', { iss: 'https://clerk.someone-else.example' }],
    ['no session id (a JWT-template token)', { sid: undefined }],
    ['a pending session (unfinished session task)', { sts: 'pending' }],
    ['nbf in the future', { nbf: nowSeconds() + 600 }],
    ['iat in the future', { iat: nowSeconds() + 600 }],
    ['an empty subject', { sub: '' }],
  ])('refuses %s', async (_label, patch) => {
    expect(await verifier()(await mint(key, clerkClaims('user_bad', patch)))).toEqual({ ok: false, reason: 'invalid' });
  });

  it('checks the authorized party (azp) when CLERK_AUTHORIZED_PARTIES is set', async () => {
    const strict = verifier(['https://parley.example.com']);
    expect(await strict(await mint(key, clerkClaims('user_azp', { azp: 'https://parley.example.com' })))).toMatchObject({ ok: true });
    expect(await strict(await mint(key, clerkClaims('user_azp', { azp: 'https://evil.example.com' })))).toEqual({ ok: false, reason: 'invalid' });
    // Unset: any origin, as Clerk's own SDK does.
    expect(await verifier()(await mint(key, clerkClaims('user_azp', { azp: 'https://evil.example.com' })))).toMatchObject({ ok: true });
  });

  it('refuses a token signed by the wrong key, alg "none", an HS256 forgery, and a wrong typ', async () => {
    const claims = clerkClaims('user_forged');
    expect(await verifier()(await mint(other, claims))).toEqual({ ok: false, reason: 'invalid' });
    expect(await verifier()(unsigned(await mint(key, claims)))).toEqual({ ok: false, reason: 'invalid' });
    expect(await verifier()(await hs256WithPublicKey(key, claims))).toEqual({ ok: false, reason: 'invalid' });
    expect(await verifier()(await mint(key, claims, { typ: 'at+jwt' }))).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a tampered payload', async () => {
    const good = await mint(key, clerkClaims('user_honest'));
    expect(await verifier()(good)).toMatchObject({ ok: true });
    expect(await verifier()(tampered(good, { sub: 'user_victim' }))).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('Clerk session token verification (CLERK_SECRET_KEY: keys from the Backend API)', () => {
  let api: JwksServer;
  beforeAll(async () => {
    api = await startJwksServer([key]);
  });
  afterAll(() => api.close());

  it('fetches the JWKS with the secret key as bearer and verifies against it', async () => {
    const v = createClerkVerifier({ keys: jwksKeys(api.url, { headers: { authorization: 'Bearer sk_test_secret' } }), issuer: CLERK_ISSUER });
    expect(await v(await mint(key, clerkClaims('user_jwks')))).toMatchObject({ ok: true, identity: { subject: 'user_jwks' } });
    expect(await v(await mint(other, clerkClaims('user_jwks')))).toEqual({ ok: false, reason: 'invalid' });
    expect(api.requests).toEqual([{ authorization: 'Bearer sk_test_secret' }]);
  });
});
