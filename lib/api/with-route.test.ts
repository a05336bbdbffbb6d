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
