import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DbHandle, setDbHandle } from '@/lib/db';
import { CLIENT_IP_HEADER } from '@/lib/http/client-ip';
import { SIGN_IN_PER_EMAIL, SIGN_IN_PER_IP } from '@/lib/rate-limit/rules';
import { signUp } from '@/lib/services/auth/sign-up';
import { setupTestEnv } from '@/test/setup-env';
import { openTestDb } from '@/test/test-db';
import { POST } from './route';

setupTestEnv();

let handle: DbHandle;
const ctx = { params: Promise.resolve({}) };

beforeAll(async () => {
  handle = (await openTestDb('pglite')).handle;
  setDbHandle(handle);
  await signUp({ email: 'real@example.com', password: 'real-password', name: 'Real' });
});
afterAll(() => handle.close());

function attempt(ip: string, email: string, password: string) {
  return POST(
    new Request('http://localhost/api/v1/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CLIENT_IP_HEADER]: ip },
      body: JSON.stringify({ email, password }),
    }),
    ctx,
  );
}

// Each attempt hashes a password (scrypt, deliberately slow): dozens of them need more than the default time.
describe('POST /api/v1/auth/sign-in brute-force limits', { timeout: 90_000 }, () => {
  it(`refuses an address after ${SIGN_IN_PER_IP.limit} attempts across many emails, other addresses unaffected`, async () => {
    const ip = '198.51.100.7';
    for (let i = 0; i < SIGN_IN_PER_IP.limit; i++) {
      expect((await attempt(ip, `spray${i}@example.com`, 'guess-guess')).status).toBe(401);
    }
    const blocked = await attempt(ip, 'real@example.com', 'real-password');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(800);
    expect(blocked.headers.get('set-cookie')).toBeNull();
    expect((await attempt('198.51.100.8', 'real@example.com', 'real-password')).status).toBe(200);
  });

  it(`refuses an email after ${SIGN_IN_PER_EMAIL.limit} attempts from any mix of addresses; success before that resets it`, async () => {
    await signUp({ email: 'target@example.com', password: 'target-password', name: 'Target' });
    for (let i = 0; i < SIGN_IN_PER_EMAIL.limit - 1; i++) {
      expect((await attempt(`203.0.113.${i}`, 'target@example.com', 'wrong-guess')).status).toBe(401);
    }
    // The owner signs in: the account's window starts over.
    expect((await attempt('192.0.2.1', 'target@example.com', 'target-password')).status).toBe(200);
    for (let i = 0; i < SIGN_IN_PER_EMAIL.limit; i++) {
      expect((await attempt(`203.0.113.${100 + i}`, 'TARGET@example.com', 'wrong-guess')).status).toBe(401);
    }
    const blocked = await attempt('192.0.2.1', 'target@example.com', 'target-password');
    expect(blocked.status).toBe(429);
  });
});
