import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJwksServer, type JwksServer } from '@/test/jwks-server';
import { CLERK_PUBLISHABLE_KEY, clerkClaims, createTestKey, FIREBASE_PROJECT, firebaseClaims, mint, type TestKey } from '@/test/provider-tokens';
import { setupTestEnv } from '@/test/setup-env';
import { authProvider } from './provider';
import { signAccessToken } from './tokens';

const PROVIDER_VARS = ['AUTH_PROVIDER', 'NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY', 'CLERK_JWT_KEY', 'CLERK_SECRET_KEY', 'CLERK_API_URL', 'FIREBASE_PROJECT_ID', 'FIREBASE_JWKS_URL', 'FIREBASE_PUBLIC_KEY', 'NEXT_PUBLIC_FIREBASE_API_KEY'];

function useEnv(vars: Record<string, string>) {
  for (const k of PROVIDER_VARS) delete process.env[k];
  setupTestEnv(vars);
}

let key: TestKey;
let server: JwksServer;
beforeAll(async () => {
  key = await createTestKey('k1');
  server = await startJwksServer([key]);
});
afterAll(() => server.close());

describe('authProvider()', () => {
  it('is local by default and verifies Parley tokens only', async () => {
    useEnv({});
    const p = authProvider();
    expect(p.name).toBe('local');
    const { token } = await signAccessToken({ userId: 'u1', sessionId: 's1' }, { ttlSeconds: 60 });
    expect(await p.verifyToken(token)).toMatchObject({ kind: 'session', userId: 'u1', sessionId: 's1' });
    expect(await p.verifyToken(await mint(key, firebaseClaims('uid1')))).toBeNull();
  });

  it('clerk with CLERK_SECRET_KEY fetches keys from CLERK_API_URL/v1/jwks with the secret as bearer', async () => {
    useEnv({ AUTH_PROVIDER: 'clerk', NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: CLERK_PUBLISHABLE_KEY, CLERK_SECRET_KEY: 'sk_test_123', CLERK_API_URL: new URL(server.url).origin });
    const before = server.requests.length;
    const p = authProvider();
    expect(p.name).toBe('clerk');
    expect(p.issueToken).toBeUndefined();
    expect(await p.verifyToken(await mint(key, clerkClaims('user_abc')))).toMatchObject({
      kind: 'provider',
      identity: { provider: 'clerk', subject: 'user_abc' },
      sessionKey: 'clerk:sess_abc',
    });
    expect(server.requests.slice(before)).toEqual([{ authorization: 'Bearer sk_test_123' }]);
  });

  it('clerk checks the issuer the publishable key names', async () => {
    useEnv({ AUTH_PROVIDER: 'clerk', NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: CLERK_PUBLISHABLE_KEY, CLERK_JWT_KEY: key.pem });
    expect(await authProvider().verifyToken(await mint(key, clerkClaims('user_abc')))).toMatchObject({ kind: 'provider' });
    expect(await authProvider().verifyToken(await mint(key, clerkClaims('user_abc', { iss: 'https://clerk.other.test' })))).toBeNull();
  });

  it('firebase with FIREBASE_JWKS_URL verifies against that key server; an outage throws', async () => {
    useEnv({ AUTH_PROVIDER: 'firebase', FIREBASE_PROJECT_ID: FIREBASE_PROJECT, NEXT_PUBLIC_FIREBASE_API_KEY: 'AIza', FIREBASE_JWKS_URL: server.url });
    const p = authProvider();
    expect(p.name).toBe('firebase');
    expect(await p.verifyToken(await mint(key, firebaseClaims('uid1')))).toMatchObject({ kind: 'provider', identity: { provider: 'firebase', subject: 'uid1' } });

    useEnv({ AUTH_PROVIDER: 'firebase', FIREBASE_PROJECT_ID: FIREBASE_PROJECT, NEXT_PUBLIC_FIREBASE_API_KEY: 'AIza', FIREBASE_JWKS_URL: server.url });
    server.failWith(503);
    try {
      await expect(authProvider().verifyToken(await mint(key, firebaseClaims('uid1')))).rejects.toMatchObject({ code: 'service_unavailable' });
    } finally {
      server.failWith(null);
    }
  });

  it('keeps one instance (and key cache) per environment', () => {
    useEnv({ AUTH_PROVIDER: 'firebase', FIREBASE_PROJECT_ID: FIREBASE_PROJECT, NEXT_PUBLIC_FIREBASE_API_KEY: 'AIza', FIREBASE_PUBLIC_KEY: key.pem });
    const first = authProvider();
    expect(authProvider()).toBe(first);
    useEnv({ AUTH_PROVIDER: 'firebase', FIREBASE_PROJECT_ID: FIREBASE_PROJECT, NEXT_PUBLIC_FIREBASE_API_KEY: 'AIza', FIREBASE_PUBLIC_KEY: key.pem });
    expect(authProvider()).not.toBe(first);
  });
});
