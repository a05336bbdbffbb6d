import { beforeAll, describe, expect, it } from 'vitest';
import { CLERK_PUBLISHABLE_KEY, createTestKey } from '@/test/provider-tokens';
import { clerkFrontendApi, EnvError, parseEnv } from './env';

describe('parseEnv', () => {
  it('gives every variable a working default', () => {
    const e = parseEnv({});
    expect(e).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      HOST: '0.0.0.0',
      DATA_DIR: './data',
      LOG_LEVEL: 'info',
      SESSION_TTL_DAYS: 30,
      TOKEN_TTL_SECONDS: 900,
      COOKIE_SECURE: 'auto',
      TRUST_PROXY: false,
      INVITE_TTL_DAYS: 7,
    });
    expect(e.DATABASE_URL).toBeUndefined();
    expect(e.APP_SECRET).toBeUndefined();
  });

  it('coerces numbers and booleans', () => {
    const e = parseEnv({ PORT: '0', TRUST_PROXY: 'true', TOKEN_TTL_SECONDS: '120' });
    expect(e.PORT).toBe(0);
    expect(e.TRUST_PROXY).toBe(true);
    expect(e.TOKEN_TTL_SECONDS).toBe(120);
  });

  it('treats empty strings as unset', () => {
    expect(parseEnv({ DATABASE_URL: '', APP_SECRET: '  ' }).DATABASE_URL).toBeUndefined();
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://localhost/db' }, 'DATABASE_URL'],
    [{ APP_SECRET: 'short' }, 'APP_SECRET'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ COOKIE_SECURE: 'maybe' }, 'COOKIE_SECURE'],
    [{ INVITE_TTL_DAYS: '0' }, 'INVITE_TTL_DAYS'],
  ])('rejects %o naming the variable', (raw, name) => {
    expect(() => parseEnv(raw)).toThrow(EnvError);
    try {
      parseEnv(raw);
    } catch (err) {
      expect((err as EnvError).issues.join('\n')).toContain(name);
    }
  });

  it('runs one node by default; REDIS_URL, NODE_ID and the lease timings are validated', () => {
    const e = parseEnv({});
    expect(e.REDIS_URL).toBeUndefined();
    expect(e.NODE_ID).toBeUndefined();
    expect(e).toMatchObject({ REDIS_KEY_PREFIX: 'parley:', SESSION_LEASE_TTL_MS: 15_000, SESSION_LEASE_RENEW_MS: 5_000, CLUSTER_RPC_TIMEOUT_MS: 5_000 });
    expect(parseEnv({ REDIS_URL: 'rediss://:pw@cache.internal:6380/0', NODE_ID: 'web-1.eu:3000' })).toMatchObject({
      REDIS_URL: 'rediss://:pw@cache.internal:6380/0',
      NODE_ID: 'web-1.eu:3000',
    });
    for (const [raw, name] of [
      [{ REDIS_URL: 'http://cache:6379' }, 'REDIS_URL'],
      [{ NODE_ID: 'node one' }, 'NODE_ID'],
      [{ REDIS_KEY_PREFIX: 'a b' }, 'REDIS_KEY_PREFIX'],
      [{ SESSION_LEASE_TTL_MS: '500' }, 'SESSION_LEASE_TTL_MS'],
      // A lease must survive one missed renewal.
      [{ SESSION_LEASE_TTL_MS: '3000', SESSION_LEASE_RENEW_MS: '2000' }, 'SESSION_LEASE_RENEW_MS'],
    ] as const) {
      expect(() => parseEnv(raw), name).toThrow(EnvError);
      try {
        parseEnv(raw);
      } catch (err) {
        expect((err as EnvError).issues.join('\n')).toContain(name);
      }
    }
    expect(parseEnv({ SESSION_LEASE_TTL_MS: '3000', SESSION_LEASE_RENEW_MS: '1000' }).SESSION_LEASE_RENEW_MS).toBe(1_000);
  });

  it('accepts postgres and postgresql URLs', () => {
    expect(parseEnv({ DATABASE_URL: 'postgres://u@h/db' }).DATABASE_URL).toBe('postgres://u@h/db');
    expect(parseEnv({ DATABASE_URL: 'postgresql://u@h/db' }).DATABASE_URL).toBe('postgresql://u@h/db');
  });
});

describe('AUTH_PROVIDER', () => {
  let pem: string;
  beforeAll(async () => {
    pem = (await createTestKey()).pem;
  });
  const issuesOf = (raw: Record<string, string>) => {
    try {
      parseEnv(raw);
      return [];
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError);
      return (err as EnvError).issues;
    }
  };

  it('defaults to local and needs nothing else', () => {
    expect(parseEnv({}).AUTH_PROVIDER).toBe('local');
    expect(issuesOf({ AUTH_PROVIDER: 'nope' }).join('\n')).toContain('AUTH_PROVIDER must be one of local, clerk, firebase');
  });

  it('clerk without keys names every missing variable', () => {
    const issues = issuesOf({ AUTH_PROVIDER: 'clerk' });
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatch(/^NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: is required when AUTH_PROVIDER=clerk/);
    expect(issues[1]).toMatch(/^CLERK_JWT_KEY: .*CLERK_SECRET_KEY/);
  });

  it('clerk accepts the publishable key with either the PEM key or the secret key', () => {
    expect(parseEnv({ AUTH_PROVIDER: 'clerk', NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: CLERK_PUBLISHABLE_KEY, CLERK_JWT_KEY: pem })).toMatchObject({
      AUTH_PROVIDER: 'clerk',
      CLERK_API_URL: 'https://api.clerk.com',
    });
    expect(parseEnv({ AUTH_PROVIDER: 'clerk', NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: CLERK_PUBLISHABLE_KEY, CLERK_SECRET_KEY: 'sk_test_abc' }).CLERK_SECRET_KEY).toBe('sk_test_abc');
  });

  it('restores newlines in a PEM given with \\n escapes (one-line env files)', () => {
    const oneLine = pem.trim().replace(/\n/g, '\\n');
    expect(parseEnv({ CLERK_JWT_KEY: oneLine }).CLERK_JWT_KEY).toBe(pem.trim());
  });

  it.each([
    [{ CLERK_JWT_KEY: 'not a pem' }, 'CLERK_JWT_KEY must be an RSA public key'],
    [{ FIREBASE_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' }, 'FIREBASE_PUBLIC_KEY must be an RSA public key'],
    [{ NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: 'pk_test_bm90LWEta2V5' }, 'not a Clerk publishable key'],
    [{ CLERK_SECRET_KEY: 'secret' }, 'CLERK_SECRET_KEY must start with sk_test_ or sk_live_'],
    [{ CLERK_AUTHORIZED_PARTIES: 'https://ok.example.com,not an origin' }, 'CLERK_AUTHORIZED_PARTIES'],
    [{ FIREBASE_PROJECT_ID: 'Bad Project' }, 'FIREBASE_PROJECT_ID'],
  ])('rejects malformed provider settings %o', (raw, message) => {
    expect(issuesOf(raw).join('\n')).toContain(message);
  });

  it('reads the authorized parties as a list of origins', () => {
    expect(parseEnv({ CLERK_AUTHORIZED_PARTIES: 'https://a.example.com, http://localhost:3000' }).CLERK_AUTHORIZED_PARTIES).toEqual([
      'https://a.example.com',
      'http://localhost:3000',
    ]);
  });

  it('firebase without settings names every missing variable', () => {
    const issues = issuesOf({ AUTH_PROVIDER: 'firebase' });
    expect(issues.map((i) => i.split(':')[0])).toEqual(['FIREBASE_PROJECT_ID', 'NEXT_PUBLIC_FIREBASE_API_KEY']);
  });

  it('firebase needs the project id and web API key; the key source defaults to Google', () => {
    const e = parseEnv({ AUTH_PROVIDER: 'firebase', FIREBASE_PROJECT_ID: 'parley-test', NEXT_PUBLIC_FIREBASE_API_KEY: 'AIzaTest' });
    expect(e).toMatchObject({ FIREBASE_PROJECT_ID: 'parley-test', FIREBASE_GOOGLE_SIGN_IN: false });
    expect(e.FIREBASE_JWKS_URL).toBeUndefined();
    expect(e.FIREBASE_PUBLIC_KEY).toBeUndefined();
  });

  it('firebase refuses two key sources at once', () => {
    const issues = issuesOf({
      AUTH_PROVIDER: 'firebase',
      FIREBASE_PROJECT_ID: 'parley-test',
      NEXT_PUBLIC_FIREBASE_API_KEY: 'AIzaTest',
      FIREBASE_JWKS_URL: 'http://127.0.0.1:1/jwks.json',
      FIREBASE_PUBLIC_KEY: pem,
    });
    expect(issues).toEqual([expect.stringMatching(/^FIREBASE_PUBLIC_KEY: set FIREBASE_JWKS_URL or FIREBASE_PUBLIC_KEY, not both/)]);
  });

  it('reports a provider’s missing variables together with other invalid ones', () => {
    const names = issuesOf({ AUTH_PROVIDER: 'clerk', PORT: 'eighty' }).map((i) => i.split(':')[0]);
    expect(names).toEqual(['PORT', 'NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY', 'CLERK_JWT_KEY']);
  });

  it('ignores the other providers’ variables', () => {
    expect(parseEnv({ AUTH_PROVIDER: 'local', FIREBASE_JWKS_URL: 'http://127.0.0.1:1/jwks.json', FIREBASE_PUBLIC_KEY: pem }).AUTH_PROVIDER).toBe('local');
  });

  it('decodes the Frontend API host from a publishable key', () => {
    expect(clerkFrontendApi(CLERK_PUBLISHABLE_KEY)).toBe('clerk.parley.test');
    expect(clerkFrontendApi('pk_live_' + Buffer.from('clerk.example.com$').toString('base64'))).toBe('clerk.example.com');
    expect(clerkFrontendApi('pk_test_' + Buffer.from('no-dollar').toString('base64'))).toBeNull();
    expect(clerkFrontendApi('sk_test_abc')).toBeNull();
  });
});
