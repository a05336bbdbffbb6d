import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '@/lib/auth/authenticate';
import { signAccessToken, type SignedToken } from '@/lib/auth/tokens';
import { type DbHandle, setDbHandle } from '@/lib/db';
import { installRealtime, publish } from '@/lib/realtime/publish';
import { issueToken } from '@/lib/services/auth/issue-token';
import { signUp, type SignUpResult } from '@/lib/services/auth/sign-up';
import { dialOk as dialAccepted, nextEvent } from '@/test/http-client';
import { setupTestEnv } from '@/test/setup-env';
import { emitAck, type AckResult } from '@/test/socket-events';
import { openTestDb } from '@/test/test-db';
import { createRealtimeServer, type RealtimeServer } from './create-realtime-server';

// `refresh_token` (server/realtime/auth-handlers.ts) against a real Socket.IO server on port 0,
// the real authenticate on PGlite, and real signed tokens.

setupTestEnv();

let handle: DbHandle;
let http: Server;
let realtime: RealtimeServer;
let url: string;
let alice: SignUpResult;
let bob: SignUpResult;
const open: Socket[] = [];

beforeAll(async () => {
  handle = (await openTestDb('pglite')).handle;
  setDbHandle(handle);
  http = createServer();
  realtime = createRealtimeServer(http, { authenticate, log: pino({ level: 'silent' }) });
  installRealtime(realtime.facade);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  alice = await signUp({ email: 'alice@example.com', password: 'alice-password', name: 'Alice' });
  bob = await signUp({ email: 'bob@example.com', password: 'bob-password', name: 'Bob' });
});

afterEach(() => {
  for (const s of open.splice(0)) s.disconnect();
});

afterAll(async () => {
  installRealtime(undefined);
  await realtime?.close();
  await handle?.close();
});

const cookieOf = (u: SignUpResult) => `parley_session=${u.session.secret}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function dialOk(opts: { cookie?: string; token?: string }): Promise<Socket> {
  const { socket } = await dialAccepted(url, opts);
  open.push(socket);
  return socket;
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
    const short = await shortToken(alice);
    const socket = await dialOk({ token: short.token });
    const closed = disconnectTime(socket);

    const next = await freshToken(alice);
    expect(next.expiresAt.getTime()).toBeGreaterThan(short.expiresAt.getTime() + 60_000);
    const res = await refresh(socket, { token: next.token });
    expect(res).toEqual({ ok: true, data: { expiresAt: next.expiresAt.toISOString() } });

    // Well past the first token's expiry: still connected, and still in its rooms.
    await sleep(short.expiresAt.getTime() - Date.now() + 750);
    expect(Date.now()).toBeGreaterThan(short.expiresAt.getTime() + 500);
    expect(socket.connected).toBe(true);
    const got = nextEvent(socket, 'workspace_updated', 1_000);
    publish(`workspace:${alice.workspace.id}`, 'workspace_updated', { workspaceId: alice.workspace.id, name: 'Still here', timestamp: new Date().toISOString() });
    expect(await got).toMatchObject({ name: 'Still here' });
    expect(await Promise.race([closed, sleep(50).then(() => 'open')])).toBe('open');
  });

  it("refuses another user's token with `unauthorized`, and the socket still closes at the original expiry", async () => {
    const short = await shortToken(alice);
    const socket = await dialOk({ token: short.token });
    const closed = disconnectTime(socket);

    const bobs = await freshToken(bob);
    expect(await refresh(socket, { token: bobs.token })).toEqual({ ok: false, error: { code: 'unauthorized', message: expect.any(String) } });
    // Neither a forged token nor one that has already expired moves the deadline either.
    expect(await refresh(socket, { token: 'not-a-token' })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const expired = await signAccessToken({ userId: alice.user.id, sessionId: alice.session.id }, { ttlSeconds: 60, now: new Date(Date.now() - 3_600_000) });
    expect(await refresh(socket, { token: expired.token })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(socket.connected).toBe(true);

    const { reason, at } = await closed;
    expect(reason).toBe('io server disconnect');
    expect(at).toBeGreaterThanOrEqual(short.expiresAt.getTime() - 50);
    expect(at).toBeLessThan(short.expiresAt.getTime() + 1_000);
    // Alice comes back with a valid token; Bob's token was never spent on her connection.
    expect(await dialOk({ token: (await freshToken(alice)).token })).toMatchObject({ connected: true });
    expect(await dialOk({ token: bobs.token })).toMatchObject({ connected: true });
  });

  it('answers malformed payloads with validation_failed and keeps serving', async () => {
    const socket = await dialOk({ cookie: cookieOf(alice) });
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
    const next = await freshToken(alice);
    expect(await refresh(socket, { token: next.token })).toEqual({ ok: true, data: { expiresAt: next.expiresAt.toISOString() } });
    expect(socket.connected).toBe(true);
    expect(await Promise.race([closed, sleep(50).then(() => 'open')])).toBe('open');
    const other = await dialOk({ cookie: cookieOf(bob) });
    expect(other.connected).toBe(true);
  });
});
