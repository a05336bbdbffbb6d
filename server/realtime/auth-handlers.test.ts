import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { authenticate } from '@/lib/auth/authenticate';
import { signAccessToken, type SignedToken } from '@/lib/auth/tokens';
import { publish } from '@/lib/realtime/publish';
import { issueToken } from '@/lib/services/auth/issue-token';
import { type SignUpResult } from '@/lib/services/auth/sign-up';
import { nextEvent } from '@/test/http-client';
import { cookieOf, setupRealtimeFixture } from '@/test/realtime-fixture';
import { setupTestEnv } from '@/test/setup-env';
import { emitAck, type AckResult } from '@/test/socket-events';

// `refresh_token` (server/fx.realtime/auth-handlers.ts) against a real Socket.IO server on port 0,
// the real authenticate on PGlite, and real signed tokens.

setupTestEnv();

const fx = setupRealtimeFixture();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function dialOk(opts: { cookie?: string; token?: string }): Promise<Socket> {
  return (await fx.dialOk(opts)).socket;
}

/** A real token for the user's browser session that expires in about 1.5–2.5 s (exp has 1 s resolution). */
function shortToken(u: SignUpResult): Promise<SignedToken> {
  return signAccessToken({ userId: u.user.id, sessionId: u.session.id }, { ttlSeconds: 62, now: new Date(Date.now() - 59_500) });
}

/** A normal token (TOKEN_TTL_SECONDS), issued the way POST /api/v1/auth/token does. */
async function freshToken(u: SignUpResult): Promise<SignedToken> {
  const principal = (await authenticate({ cookieHeader: cookieOf(u) }))!;
  return issueToken({ principal });
}

function refresh(socket: Socket, payload?: unknown): Promise<AckResult<{ expiresAt: string }>> {
  return payload === undefined ? emitAck(socket, 'refresh_token') : emitAck(socket, 'refresh_token', payload);
}

function disconnectTime(socket: Socket): Promise<{ reason: string; at: number }> {
  return new Promise((resolve) => socket.once('disconnect', (reason) => resolve({ reason, at: Date.now() })));
}

describe('refresh_token', () => {
  it('takes a valid token for the same user: ok, the later expiry, and the socket outlives the first token', async () => {
    const short = await shortToken(fx.alice);
    const socket = await dialOk({ token: short.token });
    const closed = disconnectTime(socket);

    const next = await freshToken(fx.alice);
    expect(next.expiresAt.getTime()).toBeGreaterThan(short.expiresAt.getTime() + 60_000);
    const res = await refresh(socket, { token: next.token });
    expect(res).toEqual({ ok: true, data: { expiresAt: next.expiresAt.toISOString() } });

    // Well past the first token's expiry: still connected, and still in its rooms.
    await sleep(short.expiresAt.getTime() - Date.now() + 750);
    expect(Date.now()).toBeGreaterThan(short.expiresAt.getTime() + 500);
    expect(socket.connected).toBe(true);
    const got = nextEvent(socket, 'workspace_updated', 1_000);
    publish(`workspace:${fx.alice.workspace.id}`, 'workspace_updated', { workspaceId: fx.alice.workspace.id, name: 'Still here', timestamp: new Date().toISOString() });
    expect(await got).toMatchObject({ name: 'Still here' });
    expect(await Promise.race([closed, sleep(50).then(() => 'open')])).toBe('open');
  });

  it("refuses another user's token with `unauthorized`, and the socket still closes at the original expiry", async () => {
    const short = await shortToken(fx.alice);
    const socket = await dialOk({ token: short.token });
    const closed = disconnectTime(socket);

    const bobs = await freshToken(fx.bob);
    expect(await refresh(socket, { token: bobs.token })).toEqual({ ok: false, error: { code: 'unauthorized', message: expect.any(String) } });
    // Neither a forged token nor one that has already expired moves the deadline either.
    expect(await refresh(socket, { token: 'not-a-token' })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const expired = await signAccessToken({ userId: fx.alice.user.id, sessionId: fx.alice.session.id }, { ttlSeconds: 60, now: new Date(Date.now() - 3_600_000) });
    expect(await refresh(socket, { token: expired.token })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(socket.connected).toBe(true);

    const { reason, at } = await closed;
    expect(reason).toBe('io server disconnect');
    expect(at).toBeGreaterThanOrEqual(short.expiresAt.getTime() - 50);
    expect(at).toBeLessThan(short.expiresAt.getTime() + 1_000);
    // Alice comes back with a valid token; Bob's token was never spent on her connection.
    expect(await dialOk({ token: (await freshToken(fx.alice)).token })).toMatchObject({ connected: true });
    expect(await dialOk({ token: bobs.token })).toMatchObject({ connected: true });
  });

  it('answers malformed payloads with validation_failed and keeps serving', async () => {
    const socket = await dialOk({ cookie: cookieOf(fx.alice) });
    const closed = disconnectTime(socket);
    for (const payload of [{}, { token: 5 }, { token: '' }, { token: 'x'.repeat(10_000) }, 'token', 42, null, [{ token: 'x' }]]) {
      const res = await refresh(socket, payload);
      expect(res, JSON.stringify(payload).slice(0, 40)).toEqual({ ok: false, error: { code: 'validation_failed', message: expect.any(String) } });
    }
    // No payload at all (the ack callback first) is refused the same way.
    expect(await refresh(socket)).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await refresh(socket, { token: 'x'.repeat(4_097) })).toMatchObject({ ok: false, error: { message: 'Token is too long.' } });
    expect(await refresh(socket, { token: '' })).toMatchObject({ ok: false, error: { message: 'A token is required.' } });

    // The same socket still works, and so does the server for everyone else.
    const next = await freshToken(fx.alice);
    expect(await refresh(socket, { token: next.token })).toEqual({ ok: true, data: { expiresAt: next.expiresAt.toISOString() } });
    expect(socket.connected).toBe(true);
    expect(await Promise.race([closed, sleep(50).then(() => 'open')])).toBe('open');
    const other = await dialOk({ cookie: cookieOf(fx.bob) });
    expect(other.connected).toBe(true);
  });
});
