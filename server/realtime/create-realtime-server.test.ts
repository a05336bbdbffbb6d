import { eq } from 'drizzle-orm';
import { io } from 'socket.io-client';
import { describe, expect, it, vi } from 'vitest';
import { authenticate } from '@/lib/auth/authenticate';
import { memberships } from '@/lib/db/schema';
import { signAccessToken } from '@/lib/auth/tokens';
import { deriveKey } from '@/lib/secrets/app-secret';
import { issueToken } from '@/lib/services/auth/issue-token';
import { signOut } from '@/lib/services/auth/sign-out';
import { signUp } from '@/lib/services/auth/sign-up';
import { publish } from '@/lib/realtime/publish';
import { dial, nextEvent } from '@/test/http-client';
import { cookieOf, setupRealtimeFixture } from '@/test/realtime-fixture';
import { setupTestEnv } from '@/test/setup-env';

setupTestEnv();

const fx = setupRealtimeFixture();

const dialOk = (opts: { cookie?: string; token?: unknown }) => fx.dialOk(opts);


describe('Socket.IO handshake', () => {
  it('accepts the session cookie and greets with connected { userId, workspaceIds, timestamp }', async () => {
    const { connected } = await dialOk({ cookie: cookieOf(fx.alice) });
    expect(connected).toEqual({ userId: fx.alice.user.id, workspaceIds: [fx.alice.workspace.id], timestamp: expect.any(String) });
    expect(Number.isNaN(Date.parse(connected.timestamp))).toBe(false);
  });

  it('accepts auth.token', async () => {
    const principal = (await authenticate({ cookieHeader: cookieOf(fx.bob) }))!;
    const { token } = await issueToken({ principal });
    const { connected } = await dialOk({ token });
    expect(connected.userId).toBe(fx.bob.user.id);
  });

  it.each([
    ['no credentials', {}],
    ['an unknown cookie', { cookie: 'parley_session=forged' }],
    ['a garbage token', { token: 'nope' }],
    ['a non-string token', { token: { $gt: '' } }],
  ])('refuses %s with connect_error "unauthorized"', async (_name, opts) => {
    expect(await dial(fx.url, opts)).toEqual({ ok: false, message: 'unauthorized' });
  });

  it('refuses an expired token and one signed with another key', async () => {
    const claims = { userId: fx.alice.user.id, sessionId: fx.alice.session.id };
    const expired = await signAccessToken(claims, { ttlSeconds: 60, now: new Date(Date.now() - 3_600_000), key: deriveKey('access-token-signing') });
    expect(await dial(fx.url, { token: expired.token })).toEqual({ ok: false, message: 'unauthorized' });
    const otherKey = await signAccessToken(claims, { ttlSeconds: 60, key: new Uint8Array(32).fill(7) });
    expect(await dial(fx.url, { token: otherKey.token })).toEqual({ ok: false, message: 'unauthorized' });
  });

  it('allows many sockets per user (several tabs), never replacing one with another', async () => {
    const tabs = await Promise.all([1, 2, 3].map(() => dialOk({ cookie: cookieOf(fx.alice) })));
    await new Promise((r) => setTimeout(r, 100));
    expect(tabs.every((t) => t.socket.connected)).toBe(true);
  });

  it('disconnects a token-authenticated socket when its token expires', async () => {
    const short = await signAccessToken({ userId: fx.alice.user.id, sessionId: fx.alice.session.id }, { ttlSeconds: 61, now: new Date(Date.now() - 60_000), key: deriveKey('access-token-signing') });
    const { socket } = await dialOk({ token: short.token });
    const reason = await new Promise<string>((resolve) => socket.once('disconnect', resolve));
    expect(reason).toBe('io server disconnect');
  });
});

describe('rooms and the publish path', () => {
  it('delivers a workspace event to every socket of that workspace and to nobody else', async () => {
    const a1 = await dialOk({ cookie: cookieOf(fx.alice) });
    const a2 = await dialOk({ cookie: cookieOf(fx.alice) });
    const b = await dialOk({ cookie: cookieOf(fx.bob) });
    const waits = [a1, a2, b].map(({ socket }) => nextEvent(socket, 'workspace_updated', 500));
    expect(publish(`workspace:${fx.alice.workspace.id}`, 'workspace_updated', { workspaceId: fx.alice.workspace.id, name: 'A', timestamp: new Date().toISOString() })).toBe(true);
    const [got1, got2, gotB] = await Promise.all(waits);
    expect(got1).toMatchObject({ workspaceId: fx.alice.workspace.id, name: 'A' });
    expect(got2).toMatchObject({ workspaceId: fx.alice.workspace.id, name: 'A' });
    expect(gotB).toBe('timeout');
  });

  it('delivers user-room events to that user only', async () => {
    const a = await dialOk({ cookie: cookieOf(fx.alice) });
    const b = await dialOk({ cookie: cookieOf(fx.bob) });
    const waits = [nextEvent(a.socket, 'workspace_updated', 500), nextEvent(b.socket, 'workspace_updated', 500)];
    publish(`user:${fx.bob.user.id}`, 'workspace_updated', { workspaceId: 'x', name: 'for bob', timestamp: new Date().toISOString() });
    const [gotA, gotB] = await Promise.all(waits);
    expect(gotA).toBe('timeout');
    expect(gotB).toMatchObject({ name: 'for bob' });
  });

  it('signing out closes that session’s sockets and refuses it afterwards; other sessions stay', async () => {
    const carol = await signUp({ email: 'carol@example.com', password: 'carol-password', name: 'Carol' });
    const { socket } = await dialOk({ cookie: cookieOf(carol) });
    const other = await dialOk({ cookie: cookieOf(fx.alice) });
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    await signOut({ principal: { sessionId: carol.session.id, via: 'cookie' } });
    expect(await closed).toBe('io server disconnect');
    expect(other.socket.connected).toBe(true);
    expect(await dial(fx.url, { cookie: cookieOf(carol) })).toEqual({ ok: false, message: 'unauthorized' });
  });

  it('counts live connections for health and metrics', async () => {
    await vi.waitFor(() => expect(fx.realtime.facade.connectionCount()).toBe(0));
    const { socket } = await dialOk({ cookie: cookieOf(fx.alice) });
    await dial(fx.url, {});
    expect(fx.realtime.facade.connectionCount()).toBe(1);
    socket.disconnect();
    await vi.waitFor(() => expect(fx.realtime.facade.connectionCount()).toBe(0));
  });
});

describe('memory per connection', () => {
  it('lets go of the HTTP request that opened a connection once the handshake is done; the socket keeps working, and a recovered one authenticates again', async () => {
    const frank = await signUp({ email: 'frank@example.com', password: 'frank-password', name: 'Frank' });
    const workspace = `workspace:${frank.workspace.id}`;
    const socket = io(fx.url, { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 50, extraHeaders: { cookie: cookieOf(frank) } });
    try {
      await new Promise((r) => socket.once('connected', r));
      const server = [...fx.realtime.io.of('/').sockets.values()].find((s) => s.data.principal.userId === frank.user.id)!;
      expect(server.conn.request).toBeNull();
      // What the handshake needed was copied before: the cookie is still in socket.handshake.
      expect(server.handshake.headers.cookie).toContain('parley_session=');
      const got = nextEvent(socket, 'workspace_updated', 2_000);
      publish(workspace, 'workspace_updated', { workspaceId: frank.workspace.id, name: 'one', timestamp: new Date().toISOString() });
      expect(await got).toMatchObject({ name: 'one' });

      // A dropped connection comes back on a new engine connection: its own request authenticates it.
      const back = new Promise<void>((resolve) => socket.io.once('reconnect', () => resolve()));
      server.conn.close();
      await back;
      await vi.waitFor(() => expect(socket.connected).toBe(true));
      expect(socket.recovered).toBe(true);
      const again = [...fx.realtime.io.of('/').sockets.values()].find((s) => s.data.principal.userId === frank.user.id)!;
      expect(again.conn.request).toBeNull();
      const next = nextEvent(socket, 'workspace_updated', 2_000);
      publish(workspace, 'workspace_updated', { workspaceId: frank.workspace.id, name: 'two', timestamp: new Date().toISOString() });
      expect(await next).toMatchObject({ name: 'two' });
    } finally {
      socket.close();
    }
  });
});

describe('connection state recovery', () => {
  it('a recovered socket keeps only the rooms its principal may still be in (a membership ended while it was away)', async () => {
    const erin = await signUp({ email: 'erin@example.com', password: 'erin-password', name: 'Erin' });
    const workspace = `workspace:${erin.workspace.id}`;
    const socket = io(fx.url, { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 50, extraHeaders: { cookie: cookieOf(erin) } });
    try {
      await new Promise((r) => socket.once('connected', r));
      // One broadcast first: the client resumes from the offset of the last one it got.
      const first = nextEvent(socket, 'workspace_updated', 2_000);
      publish(workspace, 'workspace_updated', { workspaceId: erin.workspace.id, name: 'one', timestamp: new Date().toISOString() });
      expect(await first).toMatchObject({ name: 'one' });

      const server = [...fx.realtime.io.of('/').sockets.values()].find((s) => s.data.principal.userId === erin.user.id)!;
      const back = new Promise<void>((resolve) => socket.io.once('reconnect', () => resolve()));
      // Erin leaves her workspace while the network drops her connection.
      await fx.handle.db.delete(memberships).where(eq(memberships.userId, erin.user.id));
      server.conn.close();
      await back;
      await vi.waitFor(() => expect(socket.connected).toBe(true));
      expect(socket.recovered).toBe(true);
      await vi.waitFor(async () => expect((await fx.realtime.io.in(workspace).fetchSockets()).map((s) => s.id)).toEqual([]), { timeout: 2_000, interval: 20 });
      const after = nextEvent(socket, 'workspace_updated', 300);
      publish(workspace, 'workspace_updated', { workspaceId: erin.workspace.id, name: 'two', timestamp: new Date().toISOString() });
      expect(await after).toBe('timeout');
      expect((await fx.realtime.io.in(`user:${erin.user.id}`).fetchSockets()).map((s) => s.id)).toEqual([socket.id]);
    } finally {
      socket.close();
    }
  });
});
