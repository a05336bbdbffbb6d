import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeRoute } from './route-bridge';

// A real HTTP server with the bridge in front of a stand-in for Next.js, which answers 299 and
// says which request reached it.
describe('bridgeRoute', () => {
  let server: Server;
  let base = '';
  const seen: { method: string; url: string; body: string; signature: string | null }[] = [];

  beforeAll(async () => {
    const nextjs = async (req: IncomingMessage, res: ServerResponse) => {
      for await (const _ of req) void _;
      res.writeHead(299, { 'x-served-by': 'next' });
      res.end();
    };
    const bridge = bridgeRoute({
      module: {
        async POST(req) {
          seen.push({ method: req.method, url: req.url, body: await req.text(), signature: req.headers.get('x-hub-signature-256') });
          return Response.json({ ok: true }, { status: 201, headers: { 'cache-control': 'no-store' } });
        },
        async GET(req) {
          return new Response(new URL(req.url).searchParams.get('echo') ?? '', { headers: { 'content-type': 'text/plain' } });
        },
      },
      fallback: async () => nextjs,
      maxBody: 1024,
      headers: async () => [['x-frame-options', 'DENY']],
    });
    server = createServer((req, res) => void bridge(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('hands a POST to the module with its exact bytes and headers, and writes its answer with the configured headers', async () => {
    const body = '{"a": "ü 👍", "b": [1, 2]}';
    const res = await fetch(`${base}?x=1`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=abc' }, body });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ ok: true });
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(seen.at(-1)).toMatchObject({ method: 'POST', body, signature: 'sha256=abc' });
    expect(seen.at(-1)!.url).toMatch(/\/hook\?x=1$/);
  });

  it('serves GET from the module (query intact)', async () => {
    const res = await fetch(`${base}?echo=challenge-123`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('challenge-123');
  });

  it('leaves other methods, bodies over maxBody and bodies without a declared length to Next.js', async () => {
    const count = seen.length;
    const put = await fetch(base, { method: 'PUT', body: 'x' });
    const large = await fetch(base, { method: 'POST', body: 'x'.repeat(1025) });
    const chunked = await fetch(base, {
      method: 'POST',
      body: new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode('{}'));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect([put, large, chunked].map((r) => [r.status, r.headers.get('x-served-by')])).toEqual([
      [299, 'next'],
      [299, 'next'],
      [299, 'next'],
    ]);
    expect(seen.length).toBe(count);
  });
});
