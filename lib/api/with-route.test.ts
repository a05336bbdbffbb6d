import { z } from 'zod';
import { beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { CLIENT_IP_HEADER } from '@/lib/http/client-ip';
import { setupTestEnv } from '@/test/setup-env';
import { json, withPublic, withSession } from './with-route';

setupTestEnv();

const ctx = { params: Promise.resolve({}) };
const body = z.object({ name: z.string().min(2, 'Name is too short.') });

function post(payload: string | undefined, headers: Record<string, string> = {}): Request {
  return new Request('http://localhost:3000/api/test', {
    method: 'POST',
    headers: { host: 'localhost:3000', 'content-type': 'application/json', ...headers },
    body: payload,
  });
}

async function errorOf(res: Response) {
  return { status: res.status, ...((await res.json()) as { error: { code: string; message: string } }).error };
}

describe('route wrapper', () => {
  const echo = withPublic({ body }, async ({ body: b }) => json({ got: b }));

  it('passes parsed, stripped input to the handler', async () => {
    const res = await echo(post(JSON.stringify({ name: 'Ada', __proto__: { admin: true }, extra: 1 })), ctx);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const out = (await res.json()) as { got: Record<string, unknown> };
    expect(out.got).toEqual({ name: 'Ada' });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it.each([
    [undefined, 'invalid_json', 400],
    ['{"name":', 'invalid_json', 400],
    ['[1,2]', 'validation_failed', 422],
    ['{"name":"A"}', 'validation_failed', 422],
    ['{"name":42}', 'validation_failed', 422],
  ])('answers %j with %s', async (payload, code, status) => {
    expect(await errorOf(await echo(post(payload), ctx))).toMatchObject({ code, status });
  });

  it('refuses bodies over 1 MB with 413', async () => {
    const res = await echo(post(JSON.stringify({ name: 'x'.repeat(1_100_000) })), ctx);
    expect(await errorOf(res)).toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('requires a session on withSession routes', async () => {
    const route = withSession({}, async () => json({ secret: true }));
    expect(await errorOf(await route(post('{}'), ctx))).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('refuses state-changing requests from another origin (CSRF)', async () => {
    const res = await echo(post('{"name":"Ada"}', { origin: 'https://evil.example' }), ctx);
    expect(await errorOf(res)).toMatchObject({ status: 403, code: 'forbidden' });
    const crossSite = await echo(post('{"name":"Ada"}', { 'sec-fetch-site': 'cross-site' }), ctx);
    expect(crossSite.status).toBe(403);
    const sameOrigin = await echo(post('{"name":"Ada"}', { origin: 'http://localhost:3000' }), ctx);
    expect(sameOrigin.status).toBe(200);
  });

  it('lets a Bearer-authenticated request through the Origin check (no browser sends one by itself)', async () => {
    // The token is invalid, so the public route sees no principal; what matters is no CSRF refusal.
    const res = await echo(post('{"name":"Ada"}', { origin: 'https://evil.example', authorization: 'Bearer not-a-token' }), ctx);
    expect(res.status).toBe(200);
  });

  it.each([
    ['{"__proto__":{"admin":true},"name":"Ada"}', '__proto__'],
    ['{"name":"Ada","constructor":{"admin":true}}', 'constructor'],
    ['{"name":"Ada","nested":{"prototype":1}}', 'prototype'],
  ])('refuses prototype-pollution keys with 400: %s', async (payload, key) => {
    expect(await errorOf(await echo(post(payload), ctx))).toMatchObject({ status: 400, code: 'bad_request', message: expect.stringContaining(key) });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it.each(['{"name":"Ad\\u0000a"}', '{"name":"Ad\\ud800a"}', '{"name":"Ada","x\\u0000":1}'])('refuses NUL and unpaired surrogates with 400: %s', async (payload) => {
    expect(await errorOf(await echo(post(payload), ctx))).toMatchObject({ status: 400, code: 'bad_request' });
  });

  it('takes well-formed unicode and emoji', async () => {
    const res = await echo(post(JSON.stringify({ name: 'Zoë 🦜 日本' })), ctx);
    expect(await res.json()).toEqual({ got: { name: 'Zoë 🦜 日本' } });
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''])('refuses a body sent as %j with 415', async (type) => {
    const res = await echo(post('{"name":"Ada"}', { 'content-type': type }), ctx);
    expect(await errorOf(res)).toMatchObject({ status: 415, code: 'unsupported_media_type' });
  });

  it('refuses prototype-pollution and NUL query parameters with 400', async () => {
    const route = withPublic({ query: z.object({ q: z.string().optional() }) }, async ({ query }) => json(query));
    const get = (qs: string) => route(new Request(`http://localhost:3000/api/test?${qs}`), ctx);
    expect(await errorOf(await get('__proto__=1'))).toMatchObject({ status: 400, code: 'bad_request' });
    expect(await errorOf(await get('constructor=1&q=a'))).toMatchObject({ status: 400, code: 'bad_request' });
    expect(await errorOf(await get('q=a%00b'))).toMatchObject({ status: 400, code: 'bad_request' });
    expect(await (await get('q=%F0%9F%A6%9C')).json()).toEqual({ q: '🦜' });
  });

  it('refuses a chunked body past 1 MB with 413 while reading it', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"name":"'));
        sent++;
        if (sent > 200) controller.close(); // 12.8 MB if read to the end
        else controller.enqueue(chunk);
      },
    });
    const req = new Request('http://localhost:3000/api/test', {
      method: 'POST',
      headers: { host: 'localhost:3000', 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    expect(await errorOf(await echo(req, ctx))).toMatchObject({ status: 413, code: 'payload_too_large' });
    expect(sent).toBeLessThan(40);
  });

  describe('rate limits', () => {
    const rule = { name: `test-${Math.random()}`, limit: 2, windowMs: 60_000 };
    const limited = withPublic({ body, rateLimit: [{ rule, key: ({ ip }) => ip }] }, async () => json({ ok: true }));
    const from = (ip: string) => post('{"name":"Ada"}', { [CLIENT_IP_HEADER]: ip });

    beforeEach(() => {
      rule.name = `test-${Math.random()}`;
    });

    it('answers 429 with Retry-After past the limit, per key', async () => {
      expect((await limited(from('10.0.0.1'), ctx)).status).toBe(200);
      expect((await limited(from('10.0.0.1'), ctx)).status).toBe(200);
      const refused = await limited(from('10.0.0.1'), ctx);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await limited(from('10.0.0.2'), ctx)).status).toBe(200);
    });
  });

  it('maps thrown AppErrors and hides unexpected ones behind a generic 500', async () => {
    const conflict = withPublic({}, async () => {
      throw new AppError('conflict', 'Already there.');
    });
    expect(await errorOf(await conflict(post(undefined), ctx))).toMatchObject({ status: 409, code: 'conflict', message: 'Already there.' });
    const boom = withPublic({}, async () => {
      throw new Error('password=hunter2 leaked');
    });
    const res = await boom(post(undefined), ctx);
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(text).not.toContain('hunter2');
  });
});
