import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { authenticate } from '@/lib/auth/authenticate';
import { signAccessToken } from '@/lib/auth/tokens';
import { type DbHandle, setDbHandle } from '@/lib/db';
import type { ConnectedPayload } from '@/lib/realtime/events';
import { deriveKey } from '@/lib/secrets/app-secret';
import { issueToken } from '@/lib/services/auth/issue-token';
import { signOut } from '@/lib/services/auth/sign-out';
import { signUp, type SignUpResult } from '@/lib/services/auth/sign-up';
import { installRealtime, publish } from '@/lib/realtime/publish';
import { dial, dialOk as dialAccepted, nextEvent } from '@/test/http-client';
import { setupTestEnv } from '@/test/setup-env';
import { openTestDb } from '@/test/test-db';
import { createRealtimeServer, type RealtimeServer } from './create-realtime-server';

setupTestEnv();

let handle: DbHandle;
let http: Server;
let realtime: RealtimeServer;
let url: string;
let alice: SignUpResult;
let bob: SignUpResult;
const open: Socket[] = [];

beforeAll(async () => {
  const db = await openTestDb('pglite');
  handle = db.handle;
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
  await realtime.close();
  await handle.close();
});

async function dialOk(opts: { cookie?: string; token?: unknown }): Promise<{ socket: Socket; connected: ConnectedPayload }> {
  const out = await dialAccepted(url, opts);
  open.push(out.socket);
  return out;
}

const cookieOf = (u: SignUpResult) => `parley_session=${u.session.secret}`;

describe('Socket.IO handshake', () => {
  it('accepts the session cookie and greets with connected { userId, workspaceIds, timestamp }', async () => {
    const { connected } = await dialOk({ cookie: cookieOf(alice) });
    expect(connected).toEqual({ userId: alice.user.id, workspaceIds: [alice.workspace.id], timestamp: expect.any(String) });
    expect(Number.isNaN(Date.parse(connected.timestamp))).toBe(false);
  });

  it('accepts auth.token', async () => {
    const principal = (await authenticate({ cookieHeader: cookieOf(bob) }))!;
    const { token } = await issueToken({ principal });
    const { connected } = await dialOk({ token });
    expect(connected.userId).toBe(bob.user.id);
  });

  it.each([
    ['no credentials', {}],
    ['an unknown cookie', { cookie: 'parley_session=forged' }],
    ['a garbage token', { token: 'nope' }],
    ['a non-string token', { token: { $gt: '' } }],
  ])('refuses %s with connect_error "unauthorized"', async (_name, opts) => {
    expect(await dial(url, opts)).toEqual({ ok: false, message: 'unauthorized' });
  });

  it('refuses an expired token and one signed with another key', async () => {
    const claims = { userId: alice.user.id, sessionId: alice.session.id };
    const expired = await signAccessToken(claims, { ttlSeconds: 60, now: new Date(Date.now() - 3_600_000), key: deriveKey('access-token-signing') });
    expect(await dial(url, { token: expired.token })).toEqual({ ok: false, message: 'unauthorized' });
    const otherKey = await signAccessToken(claims, { ttlSeconds: 60, key: new Uint8Array(32).fill(7) });
    expect(await dial(url, { token: otherKey.token })).toEqual({ ok: false, message: 'unauthorized' });
  });

  it('allows many sockets per user (several tabs), never replacing one with another', async () => {
    const tabs = await Promise.all([1, 2, 3].map(() => dialOk({ cookie: cookieOf(alice) })));
    await new Promise((r) => setTimeout(r, 100));
    expect(tabs.every((t) => t.socket.connected)).toBe(true);
  });

  it('disconnects a token-authenticated socket when its token expires', async () => {
    const short = await signAccessToken({ userId: alice.user.id, sessionId: alice.session.id }, { ttlSeconds: 61, now: new Date(Date.now() - 60_000), key: deriveKey('access-token-signing') });
    const { socket } = await dialOk({ token: short.token });
    const reason = await new Promise<string>((resolve) => socket.once('disconnect', resolve));
    expect(reason).toBe('io server disconnect');
  });
});

describe('rooms and the publish path', () => {
  it('delivers a workspace event to every socket of that workspace and to nobody else', async () => {
    const a1 = await dialOk({ cookie: cookieOf(alice) });
    const a2 = await dialOk({ cookie: cookieOf(alice) });
    const b = await dialOk({ cookie: cookieOf(bob) });
    const waits = [a1, a2, b].map(({ socket }) => nextEvent(socket, 'workspace_updated', 500));
    expect(publish(`workspace:${alice.workspace.id}`, 'workspace_updated', { workspaceId: alice.workspace.id, name: 'A', timestamp: new Date().toISOString() })).toBe(true);
    const [got1, got2, gotB] = await Promise.all(waits);
    expect(got1).toMatchObject({ workspaceId: alice.workspace.id, name: 'A' });
    expect(got2).toMatchObject({ workspaceId: alice.workspace.id, name: 'A' });
    expect(gotB).toBe('timeout');
  });

  it('delivers user-room events to that user only', async () => {
    const a = await dialOk({ cookie: cookieOf(alice) });
    const b = await dialOk({ cookie: cookieOf(bob) });
    const waits = [nextEvent(a.socket, 'workspace_updated', 500), nextEvent(b.socket, 'workspace_updated', 500)];
    publish(`user:${bob.user.id}`, 'workspace_updated', { workspaceId: 'x', name: 'for bob', timestamp: new Date().toISOString() });
    const [gotA, gotB] = await Promise.all(waits);
    expect(gotA).toBe('timeout');
    expect(gotB).toMatchObject({ name: 'for bob' });
  });

  it('signing out closes that session’s sockets and refuses it afterwards; other sessions stay', async () => {
    const carol = await signUp({ email: 'carol@example.com', password: 'carol-password', name: 'Carol' });
    const { socket } = await dialOk({ cookie: cookieOf(carol) });
    const other = await dialOk({ cookie: cookieOf(alice) });
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    await signOut({ sessionId: carol.session.id });
    expect(await closed).toBe('io server disconnect');
    expect(other.socket.connected).toBe(true);
    expect(await dial(url, { cookie: cookieOf(carol) })).toEqual({ ok: false, message: 'unauthorized' });
  });

  it('counts live connections for health and metrics', async () => {
    await vi.waitFor(() => expect(realtime.facade.connectionCount()).toBe(0));
    const { socket } = await dialOk({ cookie: cookieOf(alice) });
    await dial(url, {});
    expect(realtime.facade.connectionCount()).toBe(1);
    socket.disconnect();
    await vi.waitFor(() => expect(realtime.facade.connectionCount()).toBe(0));
  });
});
