import pg from 'pg';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, dial, dialOk, nextEvent } from '@/test/http-client';
import { startJwksServer, type JwksServer } from '@/test/jwks-server';
import {
  CLERK_PUBLISHABLE_KEY,
  clerkClaims,
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
import { type RunningServer, startServer } from '@/test/spawn-server';
import { openSse, type SseStream } from '@/test/sse-client';
import { createPostgresDatabase, shouldRunPostgres, type TestDatabase } from '@/test/test-db';

// AUTH_PROVIDER=clerk and =firebase on the real production server: REST with a Bearer token, the
// Socket.IO handshake with auth.token, SSE with a Bearer token, the exchange for a session cookie,
// sign-out, and first sign-in. Clerk and Google are replaced at their network edge only: tokens
// are minted with local key pairs, and Firebase's keys come from a local JWKS server.

const sockets: Socket[] = [];
const streams: SseStream[] = [];
afterAll(() => {
  sockets.forEach((s) => s.close());
  streams.forEach((s) => s.close());
});

describe('a selected provider without its settings', () => {
  it.each([
    ['clerk', ['NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY', 'CLERK_JWT_KEY', 'CLERK_SECRET_KEY']],
    ['firebase', ['FIREBASE_PROJECT_ID', 'NEXT_PUBLIC_FIREBASE_API_KEY']],
  ])('AUTH_PROVIDER=%s refuses to start, naming the missing variables', async (provider, names) => {
    const err = (await startServer({ mode: 'production', env: { AUTH_PROVIDER: provider }, timeoutMs: 30_000 }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toContain('server exited with 1 before listening');
    expect(err.message).toContain('Parley cannot start.');
    for (const name of names) expect(err.message).toContain(name);
  });
});

interface ProviderCase {
  name: 'clerk' | 'firebase';
  /** Server environment for this provider. */
  env(): Record<string, string>;
  /** A valid token for `subject`, expiring `ttl` seconds from now, in sign-in `session`. */
  token(subject: string, opts?: { ttl?: number; session?: number }): Promise<string>;
  /** Tokens that must be refused, by what is wrong with them. */
  bad(subject: string): Promise<Record<string, string>>;
}

let key: TestKey;
let otherKey: TestKey;
let jwks: JwksServer;
const runPostgres = await shouldRunPostgres();

beforeAll(async () => {
  [key, otherKey] = await Promise.all([createTestKey('it-key'), createTestKey('it-key')]);
  jwks = await startJwksServer([key]);
});
afterAll(() => jwks?.close());

const clerk: ProviderCase = {
  name: 'clerk',
  env: () => ({ AUTH_PROVIDER: 'clerk', NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: CLERK_PUBLISHABLE_KEY, CLERK_JWT_KEY: key.pem }),
  token: (subject, opts = {}) => mint(key, clerkClaims(`user_${subject}`, { exp: nowSeconds() + (opts.ttl ?? 60), sid: `sess_${subject}_${opts.session ?? 0}` })),
  async bad(subject) {
    const good = await clerk.token(subject);
    const claims = clerkClaims(`user_${subject}`);
    return {
      expired: await mint(key, { ...claims, iat: nowSeconds() - 300, nbf: nowSeconds() - 300, exp: nowSeconds() - 120 }),
      'wrong issuer': await mint(key, { ...claims, iss: 'https://clerk.other-instance.test' }),
      'wrong key': await mint(otherKey, claims),
      'alg none': unsigned(good),
      'HS256 forgery': await hs256WithPublicKey(key, claims),
      tampered: tampered(good, { sub: 'user_someone_else' }),
    };
  },
};

const firebase: ProviderCase = {
  name: 'firebase',
  env: () => ({ AUTH_PROVIDER: 'firebase', FIREBASE_PROJECT_ID: FIREBASE_PROJECT, NEXT_PUBLIC_FIREBASE_API_KEY: 'AIzaIntegrationTest', FIREBASE_JWKS_URL: jwks.url }),
  token: (subject, opts = {}) => mint(key, firebaseClaims(subject, { exp: nowSeconds() + (opts.ttl ?? 3600), auth_time: 1_700_000_000 + (opts.session ?? 0) })),
  async bad(subject) {
    const good = await firebase.token(subject);
    return {
      expired: await mint(key, firebaseClaims(subject, { iat: nowSeconds() - 7200, exp: nowSeconds() - 120 })),
      'wrong audience': await mint(key, firebaseClaims(subject, { aud: 'another-project' })),
      'wrong issuer': await mint(key, firebaseClaims(subject, { iss: 'https://securetoken.google.com/another-project' })),
      'wrong key': await mint(otherKey, firebaseClaims(subject)),
      'alg none': unsigned(good),
      tampered: tampered(good, { sub: 'someone-else' }),
      'auth_time in the future': await mint(key, firebaseClaims(subject, { auth_time: nowSeconds() + 3600 })),
    };
  },
};

describe.each([clerk, firebase])('AUTH_PROVIDER=$name on the production server', (provider) => {
  let server: RunningServer;
  let database: TestDatabase | undefined;
  let base: string;

  beforeAll(async () => {
    database = runPostgres ? await createPostgresDatabase() : undefined;
    server = await startServer({ mode: 'production', env: { ...provider.env(), DATABASE_URL: database?.url } });
    base = server.url;
  });
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const get = (path: string, token: string) => fetch(base + path, { headers: bearer(token) });

  it('REST: a valid Bearer token is the caller; every bad token gets 401', async () => {
    const res = await get('/api/v1/auth/session', await provider.token('rest1'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user: { id: expect.any(String) }, workspaces: [{ role: 'owner' }] });
    for (const [what, token] of Object.entries(await provider.bad('rest1'))) {
      const refused = await get('/api/v1/auth/session', token);
      expect({ what, status: refused.status }).toEqual({ what, status: 401 });
    }
  });

  it('first sign-in from several connections at once creates exactly one user and one workspace', async () => {
    const tokens = await Promise.all(Array.from({ length: 6 }, () => provider.token('first1')));
    const [rest, sockets_] = await Promise.all([
      Promise.all(tokens.slice(0, 4).map((t) => get('/api/v1/auth/session', t).then((r) => r.json() as Promise<{ user: { id: string }; workspaces: unknown[] }>))),
      Promise.all(tokens.slice(4).map((t) => dialOk(base, { token: t }))),
    ]);
    sockets.push(...sockets_.map((s) => s.socket));
    const ids = new Set([...rest.map((r) => r.user.id), ...sockets_.map((s) => s.connected.userId)]);
    expect(ids.size).toBe(1);
    const [userId] = [...ids];
    const after = await (await get('/api/v1/auth/session', tokens[0]!)).json();
    expect(after.workspaces).toHaveLength(1);
    expect(sockets_[0]!.connected.workspaceIds).toEqual([after.workspaces[0].id]);

    if (database) {
      const db = new pg.Client({ connectionString: database.url });
      await db.connect();
      try {
        const users = await db.query('select u.id from users u join user_identities i on i.user_id = u.id where i.provider = $1', [provider.name]);
        const owned = await db.query('select workspace_id from memberships where user_id = $1', [userId]);
        expect(users.rows.filter((r: { id: string }) => r.id === userId)).toHaveLength(1);
        expect(owned.rows).toHaveLength(1);
        const subjects = await db.query('select count(*)::int as n from user_identities where provider = $1 and subject like $2', [provider.name, '%first1']);
        expect(subjects.rows[0].n).toBe(1);
      } finally {
        await db.end();
      }
    }
  });

  it('Socket.IO: auth.token opens the socket; bad tokens get `unauthorized`; refresh_token keeps it', async () => {
    const { socket, connected } = await dialOk(base, { token: await provider.token('sock1', { ttl: 30 }) });
    sockets.push(socket);
    expect(connected.workspaceIds).toHaveLength(1);
    for (const [what, token] of Object.entries(await provider.bad('sock1'))) {
      expect({ what, result: await dial(base, { token }) }).toEqual({ what, result: { ok: false, message: 'unauthorized' } });
    }
    const next = await provider.token('sock1', { ttl: 600 });
    const ack = await socket.timeout(5_000).emitWithAck('refresh_token', { token: next });
    expect(ack).toMatchObject({ ok: true, data: { expiresAt: expect.any(String) } });
    const stranger = await socket.timeout(5_000).emitWithAck('refresh_token', { token: await provider.token('sock-other') });
    expect(stranger).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(socket.connected).toBe(true);
  });

  it('SSE: a Bearer token opens the stream; bad tokens get 401', async () => {
    const token = await provider.token('sse1');
    const created = await fetch(`${base}/api/v1/bots`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'SSE bot' }),
    });
    expect(created.status).toBe(201);
    const bot = (await created.json()) as { id: string };
    const url = `${base}/api/v1/whatsapp/connection-events?botId=${bot.id}`;

    const stream = await openSse(url, { token });
    streams.push(stream);
    expect(stream.res.status).toBe(200);
    expect(stream.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await stream.waitFor((f) => f.data !== undefined)).toMatchObject({ data: { botId: bot.id, status: 'DISCONNECTED' } });

    for (const [what, bad] of Object.entries(await provider.bad('sse1'))) {
      const refused = await openSse(url, { token: bad });
      refused.close();
      expect({ what, status: refused.res.status }).toEqual({ what, status: 401 });
    }
  });

  it('the browser flow: token → session cookie; pages render; sign-out refuses that sign-in’s tokens and closes its sockets', async () => {
    const token = await provider.token('web1', { session: 7 });
    const { socket } = await dialOk(base, { token });
    sockets.push(socket);

    const browser = new Client(base);
    expect((await browser.request('GET', '/sign-in')).status).toBe(200);
    const exchanged = await browser.request('POST', '/api/v1/auth/session', undefined, bearer(token));
    expect(exchanged.status).toBe(201);
    expect(exchanged.headers.get('set-cookie')).toMatch(/^parley_session=[\w-]{43};.*HttpOnly/);
    expect(browser.cookie).toBeDefined();

    const session = await browser.json<{ user: { id: string } }>('GET', '/api/v1/auth/session');
    expect(session.status).toBe(200);
    const dashboard = await browser.request('GET', '/dashboard');
    expect(dashboard.status).toBe(200);
    // Signed in already: the auth pages send the browser on.
    expect((await browser.request('GET', '/sign-in')).status).toBe(307);
    // Password accounts and Parley-issued tokens are off with an external provider.
    expect((await browser.request('POST', '/api/v1/auth/token')).status).toBe(404);
    expect((await new Client(base).request('POST', '/api/v1/auth/sign-up', { email: 'pw@example.com', password: 'password-1', name: 'Pw' })).status).toBe(404);
    // A cookie cannot be exchanged for another cookie.
    expect((await browser.request('POST', '/api/v1/auth/session')).status).toBe(400);

    const closed = nextEvent<string>(socket, 'disconnect', 5_000);
    expect((await browser.request('POST', '/api/v1/auth/sign-out')).status).toBe(200);
    expect(await closed).toBe('io server disconnect');
    expect((await get('/api/v1/auth/session', token)).status).toBe(401);
    expect(await dial(base, { token })).toEqual({ ok: false, message: 'unauthorized' });
    // A new sign-in with the provider works again, as the same Parley user.
    const again = await (await get('/api/v1/auth/session', await provider.token('web1', { session: 8 }))).json();
    expect(again.user.id).toBe(session.body.user.id);
  });
});
