import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as getBot, PATCH as patchBot } from '@/app/api/v1/bots/[botId]/route';
import { GET as listBots, POST as createBot } from '@/app/api/v1/bots/route';
import { type DbHandle, setDbHandle } from '@/lib/db';
import { signUp, type SignUpResult } from '@/lib/services/auth/sign-up';
import { setupTestEnv } from '@/test/setup-env';
import { openTestDb } from '@/test/test-db';
import { jsonWithEtag } from './etag';

setupTestEnv();

function get(headers: Record<string, string> = {}): Request {
  return new Request('http://localhost/api/x', { headers });
}

describe('jsonWithEtag', () => {
  const data = { bots: [{ id: 'b1', name: 'Support' }] };

  it('answers 200 with a strong ETag, private caching and the JSON body', async () => {
    const res = jsonWithEtag(get(), data);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toMatch(/^"[\w-]{27}"$/);
    expect(res.headers.get('cache-control')).toBe('private, no-cache');
    expect(res.headers.get('vary')).toBe('cookie, authorization');
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual(data);
  });

  it('derives the ETag from the body alone: same data, same tag; any change, a new one', () => {
    const a = jsonWithEtag(get(), data).headers.get('etag');
    expect(jsonWithEtag(get(), structuredClone(data)).headers.get('etag')).toBe(a);
    expect(jsonWithEtag(get(), { bots: [{ id: 'b1', name: 'Support!' }] }).headers.get('etag')).not.toBe(a);
  });

  it('answers a matching If-None-Match with an empty 304 carrying the same validators', async () => {
    const etag = jsonWithEtag(get(), data).headers.get('etag')!;
    for (const header of [etag, `"other", ${etag}`, ` ${etag} `, '*', `W/${etag}`]) {
      const res = jsonWithEtag(get({ 'if-none-match': header }), data);
      expect(res.status, header).toBe(304);
      expect(res.headers.get('etag')).toBe(etag);
      expect(res.headers.get('cache-control')).toBe('private, no-cache');
      expect(await res.text()).toBe('');
    }
  });

  it('answers 200 when If-None-Match names other tags', () => {
    const etag = jsonWithEtag(get(), data).headers.get('etag')!;
    for (const header of ['"nope"', etag.slice(1, -1), `${etag.slice(0, -2)}x"`, '']) {
      expect(jsonWithEtag(get({ 'if-none-match': header }), data).status, header).toBe(200);
    }
  });
});

// The bots routes themselves, in process, on PGlite with a real session cookie.
describe('GET /api/v1/bots with ETags', () => {
  let handle: DbHandle;
  let alice: SignUpResult;
  let bob: SignUpResult;
  const noParams = { params: Promise.resolve({}) };

  beforeAll(async () => {
    handle = (await openTestDb('pglite')).handle;
    setDbHandle(handle);
    alice = await signUp({ email: 'alice@example.com', password: 'alice-password', name: 'Alice' });
    bob = await signUp({ email: 'bob@example.com', password: 'bob-password', name: 'Bob' });
  });
  afterAll(() => handle?.close());

  const cookieOf = (u: SignUpResult) => `parley_session=${u.session.secret}`;
  function request(u: SignUpResult, method: string, path: string, opts: { body?: unknown; ifNoneMatch?: string } = {}): Request {
    return new Request(`http://localhost${path}`, {
      method,
      headers: {
        cookie: cookieOf(u),
        ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(opts.ifNoneMatch ? { 'if-none-match': opts.ifNoneMatch } : {}),
      },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  }

  it('is 304 while nothing changed, and 200 with a new ETag after a rename', async () => {
    const created = await createBot(request(alice, 'POST', '/api/v1/bots', { body: { name: 'Support' } }), noParams);
    expect(created.status).toBe(201);
    const bot = (await created.json()) as { id: string };

    const first = await listBots(request(alice, 'GET', '/api/v1/bots'), noParams);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(((await first.json()) as { bots: { name: string }[] }).bots.map((b) => b.name)).toEqual(['Support']);

    for (let i = 0; i < 2; i++) {
      const same = await listBots(request(alice, 'GET', '/api/v1/bots', { ifNoneMatch: etag }), noParams);
      expect(same.status).toBe(304);
      expect(same.headers.get('etag')).toBe(etag);
      expect(await same.text()).toBe('');
    }

    // Another user's list is another body: Alice's tag is no match for it.
    const bobs = await listBots(request(bob, 'GET', '/api/v1/bots', { ifNoneMatch: etag }), noParams);
    expect(bobs.status).toBe(200);
    expect(await bobs.json()).toEqual({ bots: [] });

    const botParams = { params: Promise.resolve({ botId: bot.id }) };
    const one = await getBot(request(alice, 'GET', `/api/v1/bots/${bot.id}`), botParams);
    expect(one.status).toBe(200);
    const oneEtag = one.headers.get('etag')!;
    expect((await getBot(request(alice, 'GET', `/api/v1/bots/${bot.id}`, { ifNoneMatch: oneEtag }), botParams)).status).toBe(304);

    const renamed = await patchBot(request(alice, 'PATCH', `/api/v1/bots/${bot.id}`, { body: { name: 'Sales' } }), botParams);
    expect(renamed.status).toBe(200);

    const changed = await listBots(request(alice, 'GET', '/api/v1/bots', { ifNoneMatch: etag }), noParams);
    expect(changed.status).toBe(200);
    const newEtag = changed.headers.get('etag')!;
    expect(newEtag).toMatch(/^"[\w-]+"$/);
    expect(newEtag).not.toBe(etag);
    expect(((await changed.json()) as { bots: { name: string }[] }).bots.map((b) => b.name)).toEqual(['Sales']);
    expect((await listBots(request(alice, 'GET', '/api/v1/bots', { ifNoneMatch: newEtag }), noParams)).status).toBe(304);

    const oneChanged = await getBot(request(alice, 'GET', `/api/v1/bots/${bot.id}`, { ifNoneMatch: oneEtag }), botParams);
    expect(oneChanged.status).toBe(200);
    expect(oneChanged.headers.get('etag')).not.toBe(oneEtag);
    expect(await oneChanged.json()).toMatchObject({ id: bot.id, name: 'Sales' });
  });

  it('never answers 304 to a caller who is not signed in', async () => {
    const first = await listBots(request(alice, 'GET', '/api/v1/bots'), noParams);
    const etag = first.headers.get('etag')!;
    const anonymous = await listBots(new Request('http://localhost/api/v1/bots', { headers: { 'if-none-match': etag } }), noParams);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('etag')).toBeNull();
  });
});
