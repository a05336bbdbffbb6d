import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { createEtagFetcher } from './etag-fetcher';

// The polling fallback's fetcher against a real local HTTP server (no mocked fetch): what it
// sends, what it hands back on 304, and how failures come out.

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let base: string;
let handler: Handler;
/** Every request's path and If-None-Match, in order. */
const seen: { path: string; ifNoneMatch: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const inm = req.headers['if-none-match'];
    seen.push({ path: req.url ?? '', ifNoneMatch: typeof inm === 'string' ? inm : undefined });
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

beforeEach(() => {
  seen.length = 0;
});

/** A resource whose body (and strong ETag) the test changes; honours If-None-Match like jsonWithEtag. */
function versioned(initial: unknown, opts: { etag?: boolean } = {}) {
  const state = { body: initial, version: 1 };
  handler = (req, res) => {
    const etag = `"v${state.version}"`;
    if (opts.etag !== false && req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', ...(opts.etag === false ? {} : { etag }) }).end(JSON.stringify(state.body));
  };
  return {
    set(body: unknown) {
      state.body = body;
      state.version += 1;
    },
  };
}

function failWith(status: number, body: string, headers: Record<string, string> = {}) {
  handler = (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
  };
}

describe('createEtagFetcher', () => {
  it('sends If-None-Match on the second request and hands back the very same object on 304', async () => {
    versioned({ bots: [{ id: 'b1', name: 'Support' }] });
    const fetcher = createEtagFetcher({ base });
    const first = await fetcher<{ bots: unknown[] }>('/api/v1/bots');
    expect(first).toEqual({ bots: [{ id: 'b1', name: 'Support' }] });
    const second = await fetcher<{ bots: unknown[] }>('/api/v1/bots');
    expect(second).toBe(first); // identical: SWR sees no change and does not re-render
    expect(seen).toEqual([
      { path: '/api/v1/bots', ifNoneMatch: undefined },
      { path: '/api/v1/bots', ifNoneMatch: '"v1"' },
    ]);
  });

  it('replaces the cached body when a 200 brings a new ETag, and sends that ETag next', async () => {
    const resource = versioned({ name: 'Before' });
    const fetcher = createEtagFetcher({ base });
    const before = await fetcher('/api/x');
    resource.set({ name: 'After' });
    const after = await fetcher('/api/x');
    expect(after).toEqual({ name: 'After' });
    expect(after).not.toBe(before);
    expect(await fetcher('/api/x')).toBe(after);
    expect(seen.map((s) => s.ifNoneMatch)).toEqual([undefined, '"v1"', '"v2"']);
  });

  it('keeps one entry per URL, and caches nothing for responses without an ETag', async () => {
    versioned({ ok: true }, { etag: false });
    const fetcher = createEtagFetcher({ base });
    const a = await fetcher('/api/plain');
    const b = await fetcher('/api/plain');
    expect(b).toEqual(a);
    expect(b).not.toBe(a);
    expect(seen.map((s) => s.ifNoneMatch)).toEqual([undefined, undefined]);

    seen.length = 0;
    versioned({ ok: 1 });
    await fetcher('/api/a');
    await fetcher('/api/b');
    await fetcher('/api/a');
    await fetcher('/api/b?page=2');
    expect(seen).toEqual([
      { path: '/api/a', ifNoneMatch: undefined },
      { path: '/api/b', ifNoneMatch: undefined },
      { path: '/api/a', ifNoneMatch: '"v1"' },
      { path: '/api/b?page=2', ifNoneMatch: undefined },
    ]);
  });

  it('forgets the oldest URL past maxEntries', async () => {
    versioned({ n: 1 });
    const fetcher = createEtagFetcher({ base, maxEntries: 2 });
    for (const p of ['/api/1', '/api/2', '/api/3', '/api/1', '/api/3']) await fetcher(p);
    expect(seen.map((s) => `${s.path} ${s.ifNoneMatch ?? '-'}`)).toEqual(['/api/1 -', '/api/2 -', '/api/3 -', '/api/1 -', '/api/3 "v1"']);
  });

  it("throws the server's AppError for error statuses", async () => {
    const fetcher = createEtagFetcher({ base });
    failWith(404, JSON.stringify({ error: { code: 'not_found', message: 'Bot not found.' } }));
    const notFound = await fetcher('/api/v1/bots/nope').catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(AppError);
    expect(notFound).toMatchObject({ code: 'not_found', message: 'Bot not found.', status: 404 });

    failWith(429, JSON.stringify({ error: { code: 'rate_limited', message: 'Slow down.' } }), { 'retry-after': '12' });
    await expect(fetcher('/api/v1/whatsapp/session-status/x')).rejects.toMatchObject({ code: 'rate_limited', retryAfter: 12, status: 429 });

    failWith(401, JSON.stringify({ error: { code: 'unauthorized', message: 'Sign in to continue.' } }));
    await expect(fetcher('/api/v1/bots')).rejects.toMatchObject({ code: 'unauthorized', status: 401 });

    failWith(502, '<html>bad gateway</html>', { 'content-type': 'text/html' });
    await expect(fetcher('/api/v1/bots')).rejects.toMatchObject({ code: 'internal' });
  });

  it('still revalidates with the last good ETag after a failed request', async () => {
    const fetcher = createEtagFetcher({ base });
    versioned({ v: 'good' });
    const good = await fetcher('/api/flaky');
    failWith(503, JSON.stringify({ error: { code: 'service_unavailable', message: 'Down.' } }));
    await expect(fetcher('/api/flaky')).rejects.toMatchObject({ code: 'service_unavailable' });
    versioned({ v: 'good' });
    expect(await fetcher('/api/flaky')).toBe(good);
    expect(seen.map((s) => s.ifNoneMatch)).toEqual([undefined, '"v1"', '"v1"']);
  });
});
