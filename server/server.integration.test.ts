import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, dial, dialOk, nextEvent, signUpAccount } from '@/test/http-client';
import { type RunningServer, startServer } from '@/test/spawn-server';
import { createPostgresDatabase, shouldRunPostgres, TEST_PG_URL, type TestDatabase } from '@/test/test-db';

// The real custom server, booted as `npm start` / `npm run dev` boot it, on port 0.



async function dialTracked(base: string, opts: { cookie?: string; token?: string }): Promise<Socket> {
  const { socket } = await dialOk(base, opts);
  sockets.push(socket);
  return socket;
}

const sockets: Socket[] = [];
afterAll(() => sockets.forEach((s) => s.close()));

/** The publish path, which must work in both dev and production bundles. */
function publishPathSuite(getServer: () => RunningServer) {
  it('a route handler publishes through the server’s facade: the right workspace room receives it, another does not', async () => {
    const base = getServer().url;
    const a = await signUpAccount(base, `pub-a-${Date.now()}@example.com`, 'Ann');
    const b = await signUpAccount(base, `pub-b-${Date.now()}@example.com`, 'Ben');
    const aSocket = await dialTracked(base, { cookie: a.client.cookie });
    const bSocket = await dialTracked(base, { cookie: b.client.cookie });
    const gotA = nextEvent<{ workspaceId: string; name: string }>(aSocket, 'workspace_updated', 5_000);
    const gotB = nextEvent(bSocket, 'workspace_updated', 1_500);

    const { status } = await a.client.json('PATCH', `/api/v1/workspaces/${a.workspaceId}`, { name: 'Support' });
    expect(status).toBe(200);
    expect(await gotA).toMatchObject({ workspaceId: a.workspaceId, name: 'Support', timestamp: expect.any(String) });
    expect(await gotB).toBe('timeout');

    // B cannot rename A's workspace either (and learns nothing about it).
    const denied = await b.client.json<{ error: { code: string } }>('PATCH', `/api/v1/workspaces/${a.workspaceId}`, { name: 'Pwned' });
    expect(denied.status).toBe(404);
  });

  it('reports health with the realtime facade visible to route handlers', async () => {
    const res = await fetch(`${getServer().url}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', db: 'ok', realtime: { status: 'ok' } });
  });
}

const runPostgres = await shouldRunPostgres();

describe.each([
  { name: 'production on PostgreSQL', mode: 'production' as const, postgres: true },
  { name: 'production on PGlite', mode: 'production' as const, postgres: false },
].filter((v) => !v.postgres || runPostgres))('$name', ({ mode, postgres }) => {
  let server: RunningServer;
  let database: TestDatabase | undefined;

  beforeAll(async () => {
    database = postgres ? await createPostgresDatabase() : undefined;
    server = await startServer({ mode, env: { DATABASE_URL: database?.url } });
  });
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  publishPathSuite(() => server);

  it('signs up with a hardened session cookie and reports the session', async () => {
    const client = new Client(server.url);
    const res = await client.request('POST', '/api/v1/auth/sign-up', { email: 'Cookie@Example.com', password: 'correct-horse', name: 'Cookie Monster' });
    expect(res.status).toBe(201);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^parley_session=[\w-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).toContain('Secure'); // production

    const session = await client.json<{ user: { email: string }; workspaces: { role: string }[] }>('GET', '/api/v1/auth/session');
    expect(session.status).toBe(200);
    expect(session.body.user.email).toBe('cookie@example.com');
    expect(session.body.workspaces).toEqual([expect.objectContaining({ role: 'owner', name: "Cookie's workspace" })]);

    expect((await new Client(server.url).json('GET', '/api/v1/auth/session')).status).toBe(401);
  });

  it('validates sign-up: 409 for a taken email, 422 for a short password, 400 for broken JSON — and stores nothing', async () => {
    await signUpAccount(server.url, 'taken@example.com');
    const c = new Client(server.url);
    expect((await c.json('POST', '/api/v1/auth/sign-up', { email: 'TAKEN@example.com', password: 'correct-horse', name: 'X' })).status).toBe(409);
    const short = await c.json<{ error: { code: string; details: { path: string }[] } }>('POST', '/api/v1/auth/sign-up', { email: 'new@example.com', password: 'short', name: 'X' });
    expect(short.status).toBe(422);
    expect(short.body.error.details.map((d) => d.path)).toEqual(['password']);
    expect((await c.json('POST', '/api/v1/auth/sign-up', '{"email":')).status).toBe(400);
    expect((await c.json('POST', '/api/v1/auth/sign-in', { email: 'new@example.com', password: 'short' })).status).toBe(401);
    expect(c.cookie).toBeUndefined();
  });

  it('signs in, issues a socket token, and accepts cookie and token handshakes; refuses anonymous ones', async () => {
    await signUpAccount(server.url, 'signin@example.com');
    const c = new Client(server.url);
    expect((await c.json('POST', '/api/v1/auth/sign-in', { email: 'signin@example.com', password: 'wrong-password' })).status).toBe(401);
    const ok = await c.json<{ user: { email: string } }>('POST', '/api/v1/auth/sign-in', { email: 'SignIn@example.com', password: 'correct-horse' });
    expect(ok.status).toBe(200);
    expect(c.cookie).toMatch(/^parley_session=/);

    const tok = await c.json<{ token: string; expiresAt: string }>('POST', '/api/v1/auth/token');
    expect(tok.status).toBe(200);
    const ttl = Date.parse(tok.body.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(14 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000);

    const byToken = await dial(server.url, { token: tok.body.token });
    const byCookie = await dial(server.url, { cookie: c.cookie });
    const anonymous = await dial(server.url, {});
    expect(byToken.ok && byCookie.ok).toBe(true);
    if (byToken.ok && byCookie.ok) {
      expect(byToken.connected.userId).toBe(byCookie.connected.userId);
      sockets.push(byToken.socket, byCookie.socket);
    }
    expect(anonymous).toEqual({ ok: false, message: 'unauthorized' });
    expect((await new Client(server.url).json('POST', '/api/v1/auth/token')).status).toBe(401);
  });

  it('signs out: clears the cookie, revokes the session and its tokens, closes its sockets', async () => {
    const a = await signUpAccount(server.url, 'signout@example.com');
    const cookie = a.client.cookie!;
    const { body } = await a.client.json<{ token: string }>('POST', '/api/v1/auth/token');
    const socket = await dialTracked(server.url, { cookie });
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));

    const res = await a.client.request('POST', '/api/v1/auth/sign-out');
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/^parley_session=;.*Max-Age=0/);
    expect(await closed).toBe('io server disconnect');

    const stale = new Client(server.url);
    stale.cookie = cookie;
    expect((await stale.json('GET', '/api/v1/auth/session')).status).toBe(401);
    expect(await dial(server.url, { token: body.token })).toEqual({ ok: false, message: 'unauthorized' });
  });

  it('rate-limits sign-in per email with 429 and Retry-After, without locking out other accounts', async () => {
    await signUpAccount(server.url, 'victim@example.com');
    await signUpAccount(server.url, 'bystander@example.com');
    const attacker = new Client(server.url);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push((await attacker.request('POST', '/api/v1/auth/sign-in', { email: 'victim@example.com', password: `guess-${i}` })).status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    const blocked = await attacker.request('POST', '/api/v1/auth/sign-in', { email: 'victim@example.com', password: 'correct-horse' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(statuses[10]).toBe(429);
    // Someone else signing in from the same address is unaffected.
    expect((await new Client(server.url).request('POST', '/api/v1/auth/sign-in', { email: 'bystander@example.com', password: 'correct-horse' })).status).toBe(200);
  });

  it('refuses a state-changing request from a foreign Origin (CSRF)', async () => {
    const a = await signUpAccount(server.url, 'csrf@example.com');
    const res = await a.client.request('PATCH', `/api/v1/workspaces/${a.workspaceId}`, { name: 'Evil' }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    const session = await a.client.json<{ workspaces: { name: string }[] }>('GET', '/api/v1/auth/session');
    expect(session.body.workspaces[0]!.name).not.toBe('Evil');
  });

  it('redirects signed-out visitors of the app to /sign-in and serves security headers', async () => {
    const res = await fetch(`${server.url}/dashboard`, { redirect: 'manual' });
    expect(res.status).toBe(307);
    expect(new URL(res.headers.get('location')!, server.url).pathname).toBe('/sign-in');
    const page = await fetch(`${server.url}/sign-in`);
    expect(page.status).toBe(200);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it.runIf(postgres)('health answers 503 while the database refuses connections, and recovers on its own', async () => {
    const pg = (await import('pg')).default;
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    const name = new URL(database!.url).pathname.slice(1);
    try {
      await admin.query(`alter database ${name} allow_connections false`);
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]);
      const down = await fetch(`${server.url}/api/health`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ status: 'degraded', db: 'down' });
    } finally {
      await admin.query(`alter database ${name} allow_connections true`);
      await admin.end();
    }
    const up = await fetch(`${server.url}/api/health`);
    expect(up.status).toBe(200);
    // And real work resumes: a sign-up goes through again.
    await signUpAccount(server.url, 'after-outage@example.com');
  });

  it('shuts down gracefully on SIGTERM: sockets closed, exit code 0', async () => {
    const a = await signUpAccount(server.url, 'shutdown@example.com');
    const socket = await dialTracked(server.url, { cookie: a.client.cookie });
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    expect(await server.stop()).toBe(0);
    expect(['io server disconnect', 'transport close']).toContain(await closed);
    expect(server.output()).not.toMatch(/correct-horse|parley_session=/);
  });
});

describe('production with no APP_SECRET set (the `npm start` path)', () => {
  it('generates and keeps a secret under DATA_DIR, so sessions survive a restart', async () => {
    const first = await startServer({ mode: 'production', env: { APP_SECRET: undefined } });
    let second: RunningServer | undefined;
    try {
      const a = await signUpAccount(first.url, 'restart@example.com');
      const { body } = await a.client.json<{ token: string }>('POST', '/api/v1/auth/token');
      expect(await first.stop()).toBe(0);

      second = await startServer({ mode: 'production', dataDir: first.dataDir, env: { APP_SECRET: undefined } });
      const again = new Client(second.url);
      again.cookie = a.client.cookie;
      const session = await again.json<{ user: { email: string } }>('GET', '/api/v1/auth/session');
      expect(session.status).toBe(200);
      expect(session.body.user.email).toBe('restart@example.com');
      const socket = await dial(second.url, { token: body.token });
      expect(socket.ok).toBe(true);
      if (socket.ok) socket.socket.close();
    } finally {
      await first.stop();
      await second?.stop();
    }
  });
});

describe('development server (`npm run dev`)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ mode: 'development', timeoutMs: 120_000 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  publishPathSuite(() => server);
});
