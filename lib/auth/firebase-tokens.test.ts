import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { startJwksServer, type JwksServer } from '@/test/jwks-server';
import {
  createTestKey,
  FIREBASE_PROJECT,
  firebaseClaims,
  hs256WithPublicKey,
  mint,
  nowSeconds,
  tampered,
  type TestKey,
  unsigned,
} from '@/test/provider-tokens';
import { createFirebaseVerifier } from './firebase-tokens';
import { jwksKeys, pemKey } from './provider-keys';

let keyA: TestKey;
let keyB: TestKey;
let stranger: TestKey;
let jwks: JwksServer;

beforeAll(async () => {
  [keyA, keyB, stranger] = await Promise.all([createTestKey('key-a'), createTestKey('key-b'), createTestKey('key-a')]);
  jwks = await startJwksServer([keyA]);
});
afterAll(() => jwks.close());

/** A verifier with its own key cache, so request counts are per test. */
function verifier(opts: { cooldownMs?: number; cacheMaxAgeMs?: number } = {}) {
  return createFirebaseVerifier({ projectId: FIREBASE_PROJECT, keys: jwksKeys(jwks.url, opts) });
}

describe('Firebase ID token verification (local JWKS server)', () => {
  it('accepts a valid token: uid, verified email, name, expiry and the sign-in it belongs to', async () => {
    const claims = firebaseClaims('UidValid1');
    const result = await verifier()(await mint(keyA, claims));
    expect(result).toEqual({
      ok: true,
      identity: { provider: 'firebase', subject: 'UidValid1', email: 'uidvalid1@example.com', name: 'Fire Base' },
      sessionKey: `firebase:UidValid1:${claims.auth_time}`,
      expiresAt: new Date(claims.exp! * 1000),
    });
  });

  it('drops an email Firebase has not verified (it could be anyone’s)', async () => {
    const result = await verifier()(await mint(keyA, firebaseClaims('UidUnverified', { email_verified: false })));
    expect(result).toMatchObject({ ok: true, identity: { subject: 'UidUnverified', email: undefined } });
  });

  it('reports an expired token as expired', async () => {
    const token = await mint(keyA, firebaseClaims('UidOld', { iat: nowSeconds() - 7200, auth_time: nowSeconds() - 7200, exp: nowSeconds() - 60 }));
    expect(await verifier()(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it.each([
    ['another project’s audience', { aud: 'someone-elses-project' }],
    ['another project’s issuer', { iss: 'https://securetoken.google.com/someone-elses-project' }],
    ['a non-Firebase issuer', { iss: 'https://accounts.google.com' }],
    ['no auth_time', { auth_time: undefined }],
    ['auth_time in the future', { auth_time: nowSeconds() + 600 }],
    ['iat in the future', { iat: nowSeconds() + 600 }],
    ['an empty subject', { sub: '' }],
    ['a subject over 128 characters', { sub: 'x'.repeat(129) }],
    ['no expiry', { exp: undefined }],
  ])('refuses %s', async (_label, patch) => {
    const token = await mint(keyA, firebaseClaims('UidBad', patch));
    expect(await verifier()(token)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a token signed by the wrong key, even under a published kid', async () => {
    expect(await verifier()(await mint(stranger, firebaseClaims('UidForged')))).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses alg "none", an HS256 forgery keyed with the public key, and a token without kid', async () => {
    const good = await mint(keyA, firebaseClaims('UidAlg'));
    const v = verifier();
    expect(await v(unsigned(good))).toEqual({ ok: false, reason: 'invalid' });
    expect(await v(await hs256WithPublicKey(keyA, firebaseClaims('UidAlg')))).toEqual({ ok: false, reason: 'invalid' });
    expect(await v(await mint(keyA, firebaseClaims('UidAlg'), { kid: null }))).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a tampered payload', async () => {
    const good = await mint(keyA, firebaseClaims('UidHonest'));
    const v = verifier();
    expect(await v(good)).toMatchObject({ ok: true });
    expect(await v(tampered(good, { sub: 'UidVictim' }))).toEqual({ ok: false, reason: 'invalid' });
    expect(await v(tampered(good, { email: 'admin@example.com' }))).toEqual({ ok: false, reason: 'invalid' });
  });

  it.each(['', 'garbage', 'a.b.c', 'x'.repeat(9000)])('refuses junk %#', async (junk) => {
    expect(await verifier()(junk)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('fetches the keys once and serves later tokens from the cache', async () => {
    const v = verifier();
    const before = jwks.requests.length;
    for (let i = 0; i < 5; i++) expect(await v(await mint(keyA, firebaseClaims(`UidCache${i}`)))).toMatchObject({ ok: true });
    expect(jwks.requests.length - before).toBe(1);
  });

  it('follows key rotation: an unknown kid refetches the keys; a retired key stops working', async () => {
    const v = verifier({ cooldownMs: 0 });
    expect(await v(await mint(keyA, firebaseClaims('UidRotate')))).toMatchObject({ ok: true });
    jwks.publish([keyB]);
    try {
      const before = jwks.requests.length;
      expect(await v(await mint(keyB, firebaseClaims('UidRotate')))).toMatchObject({ ok: true });
      expect(jwks.requests.length - before).toBe(1);
      expect(await v(await mint(keyA, firebaseClaims('UidRotate')))).toEqual({ ok: false, reason: 'invalid' });
    } finally {
      jwks.publish([keyA]);
    }
  });

  it('does not let unknown kids hammer the key server (cooldown)', async () => {
    const v = verifier({ cooldownMs: 60_000 });
    expect(await v(await mint(keyA, firebaseClaims('UidCool')))).toMatchObject({ ok: true });
    const before = jwks.requests.length;
    for (let i = 0; i < 5; i++) {
      expect(await v(await mint(keyB, firebaseClaims('UidCool')))).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(jwks.requests.length - before).toBe(0);
  });

  it('treats an unreachable key server as an outage (thrown), not as a bad token', async () => {
    jwks.failWith(500);
    try {
      const err = await verifier()(await mint(keyA, firebaseClaims('UidOutage'))).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: 'service_unavailable' });
    } finally {
      jwks.failWith(null);
    }
    const closed = createFirebaseVerifier({ projectId: FIREBASE_PROJECT, keys: jwksKeys('http://127.0.0.1:9/jwks.json') });
    await expect(closed(await mint(keyA, firebaseClaims('UidOutage')))).rejects.toMatchObject({ code: 'service_unavailable' });
  });

  it('verifies against a PEM public key instead of a JWKS (FIREBASE_PUBLIC_KEY)', async () => {
    const v = createFirebaseVerifier({ projectId: FIREBASE_PROJECT, keys: pemKey(keyB.pem) });
    expect(await v(await mint(keyB, firebaseClaims('UidPem')))).toMatchObject({ ok: true, identity: { subject: 'UidPem' } });
    expect(await v(await mint(keyA, firebaseClaims('UidPem'), { kid: keyB.kid }))).toEqual({ ok: false, reason: 'invalid' });
  });
});
