import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '@/lib/errors';
import { createProviderTokenSource, grantFromJwt } from './provider-token-source';

const jwt = (payload: object) => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`;

afterEach(() => vi.useRealTimers());

describe('grantFromJwt', () => {
  it('reads the expiry (base64url, non-ASCII claims included) without verifying', () => {
    const token = jwt({ exp: 1_900_000_000, name: 'Zoë ✓', sub: '??>>' });
    expect(grantFromJwt(token)).toEqual({ token, expiresAt: new Date(1_900_000_000_000).toISOString() });
  });

  it.each(['garbage', 'a.b.c', jwt({ sub: 'no-exp' }), jwt({ exp: '1900000000' })])('refuses a token it cannot schedule: %s', (token) => {
    expect(() => grantFromJwt(token)).toThrow(AppError);
  });
});

describe('createProviderTokenSource', () => {
  it('waits for the provider SDK, then passes forceRefresh through', async () => {
    const source = createProviderTokenSource();
    const pending = source.getToken({ forceRefresh: false });
    const sdk = vi.fn(async (force: boolean) => jwt({ exp: force ? 2_000_000_000 : 1_900_000_000 }));
    source.attach(sdk);
    expect((await pending).expiresAt).toBe(new Date(1_900_000_000_000).toISOString());
    expect((await source.getToken({ forceRefresh: true })).expiresAt).toBe(new Date(2_000_000_000_000).toISOString());
    expect(sdk.mock.calls).toEqual([[false], [true]]);
  });

  it('uses the newest SDK getter after a re-attach', async () => {
    const source = createProviderTokenSource();
    source.attach(async () => jwt({ exp: 1 }));
    source.attach(async () => jwt({ exp: 2 }));
    expect((await source.getToken({ forceRefresh: false })).expiresAt).toBe(new Date(2000).toISOString());
  });

  it('reports a signed-out provider as unauthorized (the socket then stops)', async () => {
    const source = createProviderTokenSource();
    source.attach(async () => null);
    await expect(source.getToken({ forceRefresh: true })).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('gives up waiting for an SDK that never loads, as an outage (the handshake falls back to the cookie)', async () => {
    vi.useFakeTimers();
    const source = createProviderTokenSource();
    const result = source.getToken({ forceRefresh: false }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(15_001);
    expect(await result).toMatchObject({ code: 'service_unavailable' });
  });
});
