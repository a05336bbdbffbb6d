import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudTextMessage, signWebhook, wamid, webhookFor } from '@/test/fake-graph-server';
import { scaled } from '@/test/faults-scale';
import { Client, dial, dialOk } from '@/test/http-client';
import { tampered, unsigned } from '@/test/provider-tokens';
import { emitAck } from '@/test/socket-events';
import { openSse } from '@/test/sse-client';
import { shouldRunPostgres } from '@/test/test-db';
import { A_CLOUD_PHONE_ID, dataRows, expectHealthy, startAbuseWorld, type AbuseWorld } from './abuse-world';
import { fillPath, ROUTE_CASES, type Method } from './route-cases';

// Signatures, tokens, rate limits and headers (issue 9) against a running production server:
// forged and replayed webhook signatures, every kind of bad token on REST, Socket.IO and SSE,
// brute force and floods that must hit 429 / rate_limited acks without touching other users,
// and the security headers, cookies and CSRF refusals of every state-changing route.

// Rows are counted in PostgreSQL from outside the server; in CI it must be reachable (never skipped).
const postgres = await shouldRunPostgres();
let w: AbuseWorld;
const sockets: Socket[] = [];

beforeAll(async () => {
  w = await startAbuseWorld();
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await w?.close();
});

const cloudPost = (raw: string, headers: Record<string, string>, extra: Record<string, string> = {}) =>
  fetch(`${w.url}/api/whatsapp/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers, ...extra }, body: raw });
const workerSig = (secret: string, raw: string, t = Math.floor(Date.now() / 1000)) =>
  `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${raw}`).digest('hex')}`;
const workerPost = (raw: string, signature?: string, extra: Record<string, string> = {}) =>
  fetch(`${w.url}/api/v1/webhooks/session-status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { 'x-parley-signature': signature } : {}), ...extra },
    body: raw,
  });

describe.runIf(postgres)('signatures, tokens, rate limits and headers', () => {
  it('Cloud API webhook: forged signatures refused, a replayed delivery stores nothing twice', async () => {
    const raw = JSON.stringify(webhookFor(A_CLOUD_PHONE_ID, cloudTextMessage({ from: '15550005555', name: 'Replay', text: 'signed once', id: wamid() })));
    const good = signWebhook(w.metaSecretA, raw);
    const forged: Record<string, string>[] = [
      {},
      { 'x-hub-signature-256': signWebhook('not-the-app-secret', raw) },
      { 'x-hub-signature-256': good.replace(/.$/, (c) => (c === '0' ? '1' : '0')) },
      { 'x-hub-signature-256': good.replace('sha256=', 'sha1=') },
      { 'x-hub-signature-256': 'sha256=' },
      { 'x-hub-signature-256': `sha256=${'zz'.repeat(32)}` },
      { 'x-hub-signature-256': `${good},${good}` },
    ];
    const before = dataRows(await w.counts());
    const forgedStatuses: number[] = [];
    for (const h of forged) forgedStatuses.push((await cloudPost(raw, h)).status);
    // The same signature on other bytes.
    forgedStatuses.push((await cloudPost(raw.replace('signed once', 'signed twice'), { 'x-hub-signature-256': good })).status);
    expect(forgedStatuses).toEqual(forged.map(() => 401).concat(401));
    expect(dataRows(await w.counts())).toEqual(before);
    console.log(`[abuse] cloud webhook forged: tried ${forgedStatuses.length}, rejected ${forgedStatuses.filter((s) => s === 401).length}, stored 0, lost 0`);

    // The genuine delivery once (a foreign Origin does not matter: the signature authenticates it)…
    const first = await cloudPost(raw, { 'x-hub-signature-256': good }, { origin: 'https://evil.example' });
    expect(await first.json()).toMatchObject({ ok: true, received: 1, duplicates: 0 });
    const once = dataRows(await w.counts());
    expect(once.messages).toBe(before.messages! + 1);
    // …and replayed: acknowledged (Meta stops retrying) but never stored again.
    const replays = scaled(20, 5);
    for (let i = 0; i < replays; i++) expect(await (await cloudPost(raw, { 'x-hub-signature-256': good })).json()).toMatchObject({ ok: true, received: 0, duplicates: 1 });
    expect(dataRows(await w.counts())).toEqual(once);
    console.log(`[abuse] cloud webhook replayed: tried ${replays}, stored 0 (each acknowledged as a duplicate)`);
  });

  it('worker webhook: forged, stale and tampered signatures refused; a replay is applied once', async () => {
    const raw = JSON.stringify({ sessionId: w.linkedBot.sessionId, status: 'CONNECTED', displayName: 'Reported by worker' });
    const now = Math.floor(Date.now() / 1000);
    const attempts: [string, string | undefined, string][] = [
      ['missing', undefined, raw],
      ['wrong secret', workerSig('x'.repeat(40), raw), raw],
      ['stale (10 min old)', workerSig(w.workerSecret, raw, now - 600), raw],
      ['from the future', workerSig(w.workerSecret, raw, now + 600), raw],
      ['tampered body', workerSig(w.workerSecret, raw), raw.replace('CONNECTED', 'LOGGED_OUT')],
      ['timestamp swapped', workerSig(w.workerSecret, raw).replace(/^t=\d+/, `t=${now - 1}`), raw],
      ['malformed', 'v1=abc', raw],
      ['no v1', `t=${now}`, raw],
    ];
    const before = dataRows(await w.counts());
    const statuses: Record<string, number> = {};
    for (const [label, sig, body] of attempts) statuses[label] = (await workerPost(body, sig)).status;
    expect(Object.values(statuses)).toEqual(attempts.map(() => 401));
    expect(dataRows(await w.counts())).toEqual(before);
    console.log(`[abuse] worker webhook forged/stale: tried ${attempts.length}, rejected ${attempts.length}, stored 0, lost 0`);

    const sig = workerSig(w.workerSecret, raw);
    expect(await (await workerPost(raw, sig, { origin: 'https://evil.example' })).json()).toMatchObject({ ok: true, duplicate: false });
    const once = dataRows(await w.counts());
    expect(once.webhook_deliveries).toBe(before.webhook_deliveries! + 1);
    const replays = scaled(20, 5);
    for (let i = 0; i < replays; i++) expect(await (await workerPost(raw, sig)).json()).toMatchObject({ ok: true, duplicate: true });
    expect(dataRows(await w.counts())).toEqual(once);
    console.log(`[abuse] worker webhook replayed: tried ${replays}, stored 0 (each acknowledged as a duplicate)`);
  });

  it('bad tokens on REST, Socket.IO and SSE: expired, wrong key, alg none, tampered, another workspace’s', async () => {
    const valid = (await w.a.client.json<{ token: string }>('POST', '/api/v1/auth/token')).body.token;
    const bToken = (await w.b.client.json<{ token: string }>('POST', '/api/v1/auth/token')).body.token;
    const claims = JSON.parse(Buffer.from(valid.split('.')[1]!, 'base64url').toString()) as { sub: string; sid: string };
    const key = new Uint8Array(hkdfSync('sha256', w.appSecret, 'parley', 'parley:access-token-signing', 32));
    const now = Math.floor(Date.now() / 1000);
    const sign = (k: Uint8Array, opts: { exp?: number; iss?: string; aud?: string } = {}) =>
      new SignJWT({ sid: claims.sid })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(claims.sub)
        .setIssuer(opts.iss ?? 'parley')
        .setAudience(opts.aud ?? 'parley:api')
        .setIssuedAt(now - 1000)
        .setExpirationTime(opts.exp ?? now + 600)
        .sign(k);
    // The control: this key really is the server's (a fresh token made with it works).
    const control = await sign(key);
    expect((await fetch(`${w.url}/api/v1/bots`, { headers: { authorization: `Bearer ${control}` } })).status).toBe(200);

    const bad: Record<string, string> = {
      expired: await sign(key, { exp: now - 60 }),
      'wrong key': await sign(randomBytes(32)),
      'alg none': unsigned(valid),
      'tampered (sub = B)': tampered(valid, { sub: w.b.userId }),
      'wrong issuer': await sign(key, { iss: 'someone-else' }),
      'wrong audience': await sign(key, { aud: 'parley:other' }),
      garbage: 'not.a.token',
      oversized: 'x'.repeat(5000),
    };
    const before = dataRows(await w.counts());
    const outcomes: { label: string; rest: number; write: number; socket: string; sse: number }[] = [];
    for (const [label, token] of Object.entries(bad)) {
      const rest = (await fetch(`${w.url}/api/v1/bots`, { headers: { authorization: `Bearer ${token}` } })).status;
      const write = (
        await fetch(`${w.url}/api/v1/bots`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Token bot' }),
        })
      ).status;
      const dialed = await dial(w.url, { token });
      if (dialed.ok) sockets.push(dialed.socket);
      const sse = await openSse(`${w.url}/api/v1/whatsapp/connection-events?botId=${w.qrBot.id}`, { token });
      sse.close();
      outcomes.push({ label, rest, write, socket: dialed.ok ? 'connected' : dialed.message, sse: sse.res.status });
    }
    expect(outcomes).toEqual(Object.keys(bad).map((label) => ({ label, rest: 401, write: 401, socket: 'unauthorized', sse: 401 })));

    // Another workspace's valid token: signed in as B, so A's things are refused.
    const other = {
      rest: (await fetch(`${w.url}/api/v1/bots/${w.qrBot.id}`, { headers: { authorization: `Bearer ${bToken}` } })).status,
      sse: (await openSse(`${w.url}/api/v1/whatsapp/connection-events?botId=${w.qrBot.id}`, { token: bToken })).res.status,
    };
    const { socket } = await dialOk(w.url, { token: bToken });
    sockets.push(socket);
    const ack = await emitAck(socket, 'subscribe_session', { botId: w.qrBot.id });
    expect({ ...other, socket: ack.ok ? 'ok' : ack.error.code }).toEqual({ rest: 403, sse: 403, socket: 'forbidden' });
    expect(dataRows(await w.counts())).toEqual(before);
    const tried = outcomes.length * 4 + 3;
    console.log(`[abuse] bad tokens: tried ${tried}, rejected ${tried}, stored 0, lost 0`);
    await expectHealthy(w.url);
  });

  it('sign-in brute force → 429 for that account, while another user signs in', async () => {
    const tries = scaled(15, 12);
    const statuses: number[] = [];
    for (let i = 0; i < tries; i++) {
      statuses.push((await new Client(w.url).request('POST', '/api/v1/auth/sign-in', { email: w.aEmail, password: `guess-${i}` })).status);
    }
    // Ten guesses per account per 15 minutes (lib/rate-limit/rules.ts), then 429 with Retry-After.
    expect(statuses).toEqual([...Array(10).fill(401), ...Array(tries - 10).fill(429)]);
    const locked = await new Client(w.url).request('POST', '/api/v1/auth/sign-in', { email: w.aEmail, password: w.password });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    const other = await new Client(w.url).request('POST', '/api/v1/auth/sign-in', { email: w.bEmail, password: w.password });
    expect(other.status).toBe(200);
    // A's existing session is untouched by the lock.
    expect((await w.a.client.request('GET', '/api/v1/auth/session')).status).toBe(200);
    console.log(`[abuse] sign-in brute force: tried ${tries + 1}, rejected ${tries + 1} (10 × 401, ${tries + 1 - 10} × 429), other user signed in`);
  });

  it('status endpoint flood → 429, another user’s polling unaffected', async () => {
    const bBot = await w.b.client.json<{ id: string }>('POST', '/api/v1/bots', { name: 'B bot' });
    expect(bBot.status).toBe(201);
    const flood = scaled(120, 80);
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (statuses.length < flood) {
          statuses.push(0);
          const res = await w.a.client.request('GET', `/api/v1/whatsapp/session-status/${w.linkedBot.id}`);
          statuses[statuses.indexOf(0)] = res.status;
          await res.arrayBuffer();
        }
      }),
    );
    const limited = statuses.filter((s) => s === 429).length;
    const served = statuses.filter((s) => s === 200 || s === 304).length;
    expect(served + limited).toBe(statuses.length);
    // 60 per user per minute (some already spent by the fixture's QR polling).
    expect(served).toBeLessThanOrEqual(60);
    expect(limited).toBeGreaterThanOrEqual(flood - 60);
    const bPoll = await w.b.client.request('GET', `/api/v1/whatsapp/session-status/${bBot.body.id}`);
    expect(bPoll.status).toBe(200);
    console.log(`[abuse] status endpoint flood: tried ${statuses.length}, rejected ${limited} (429), served ${served}; other user 200`);
  });

  it('socket event flood → rate_limited acks on that connection only', async () => {
    const { socket: flooder } = await dialOk(w.url, { cookie: w.a.client.cookie });
    const { socket: bystander } = await dialOk(w.url, { cookie: w.b.client.cookie });
    sockets.push(flooder, bystander);
    const n = scaled(300, 100);
    const acks = await Promise.all(Array.from({ length: n }, () => emitAck(flooder, 'unsubscribe_session', { botId: w.qrBot.id })));
    const okCount = acks.filter((a) => a.ok).length;
    const limited = acks.filter((a) => !a.ok && a.error.code === 'rate_limited').length;
    // SOCKET_EVENTS_PER_10S (default 30): the rest are refused, none dropped without an answer.
    expect({ okCount, limited }).toEqual({ okCount: 30, limited: n - 30 });
    const calm = await Promise.all(Array.from({ length: 10 }, () => emitAck(bystander, 'unsubscribe_session', { botId: w.qrBot.id })));
    expect(calm.every((a) => a.ok)).toBe(true);
    expect(flooder.connected).toBe(true);
    console.log(`[abuse] socket event flood: tried ${n}, rejected ${limited} (rate_limited acks), other user's socket 10/10 ok`);
    await expectHealthy(w.url);
  });

  it('security headers on pages, API, SSE and errors; session cookies HttpOnly, SameSite, Secure', async () => {
    const responses: Record<string, Response> = {
      'page /sign-in': await fetch(`${w.url}/sign-in`),
      'page 404': await fetch(`${w.url}/no-such-page`),
      'API /api/v1/bots': await fetch(`${w.url}/api/v1/bots`, { headers: { cookie: w.a.client.cookie! } }),
      'API 401': await fetch(`${w.url}/api/v1/bots`),
      'API /api/health': await fetch(`${w.url}/api/health`),
      'SSE 401': await fetch(`${w.url}/api/v1/whatsapp/connection-events?botId=${w.qrBot.id}`),
    };
    for (const [what, res] of Object.entries(responses)) {
      await res.arrayBuffer();
      const csp = res.headers.get('content-security-policy') ?? '';
      expect({ what, csp: csp.split('; ').filter((d) => /^(default-src|frame-ancestors|object-src|base-uri|form-action) /.test(d)) }).toEqual({
        what,
        csp: ["default-src 'self'", "frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'", "object-src 'none'"],
      });
      const script = csp.split('; ').find((d) => d.startsWith('script-src ')) ?? '';
      expect({ what, loose: /\*|https:(?!\/\/)|'unsafe-eval'|'unsafe-inline'/.test(script) }).toEqual({ what, loose: false });
      // Rendered pages: only scripts with this response's nonce run (and what they load).
      if (what === 'page /sign-in') expect(script).toMatch(/^script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/);
      expect({
        what,
        xfo: res.headers.get('x-frame-options'),
        nosniff: res.headers.get('x-content-type-options'),
        referrer: res.headers.get('referrer-policy'),
      }).toEqual({ what, xfo: 'DENY', nosniff: 'nosniff', referrer: 'strict-origin-when-cross-origin' });
    }
    // A fresh nonce per page, on every script Next.js renders — a client cannot pick it.
    const pages = await Promise.all([1, 2].map(() => fetch(`${w.url}/sign-in`, { headers: { 'content-security-policy': "script-src 'nonce-chosen'" } })));
    const nonces = pages.map((p) => /'nonce-([^']+)'/.exec(p.headers.get('content-security-policy') ?? '')?.[1]);
    expect(nonces[0]).not.toBe(nonces[1]);
    expect(nonces).not.toContain('chosen');
    const html = await pages[0]!.text();
    await pages[1]!.arrayBuffer();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((tag) => !tag.includes(`nonce="${nonces[0]}"`))).toEqual([]);

    const signIn = await fetch(`${w.url}/api/v1/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: w.bEmail, password: w.password }),
    });
    const select = await fetch(`${w.url}/api/v1/workspaces/${w.a.workspaceId}/select`, { method: 'POST', headers: { cookie: w.a.client.cookie! } });
    for (const cookie of [signIn.headers.get('set-cookie'), select.headers.get('set-cookie')]) {
      const attrs = cookie!.split(';').map((p) => p.trim().toLowerCase());
      // Production with COOKIE_SECURE=auto: Secure (browsers keep it on https and on localhost).
      expect({ cookie: cookie!.split('=')[0], httpOnly: attrs.includes('httponly'), sameSite: attrs.find((a) => a.startsWith('samesite=')), secure: attrs.includes('secure') }).toEqual({
        cookie: cookie!.split('=')[0],
        httpOnly: true,
        sameSite: 'samesite=lax',
        secure: true,
      });
    }
  });

  it('CSRF: every state-changing route refuses a foreign Origin (403) with A’s cookie; same origin and Bearer pass', async () => {
    const before = { rows: dataRows(await w.counts()), bots: (await w.a.client.json<{ bots: unknown[] }>('GET', '/api/v1/bots')).body.bots };
    const attempts: { what: string; status: number }[] = [];
    for (const [route, c] of Object.entries(ROUTE_CASES)) {
      const [method, pattern] = route.split(' ') as [Method, string];
      if (method === 'GET' || c.crossTenant.kind === 'unsigned') continue;
      const path = fillPath(pattern, w);
      const body = c.body?.(w);
      for (const foreign of <Record<string, string>[]>[{ origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }, { origin: `${w.url}.evil.example` }]) {
        const res = await fetch(w.url + path, {
          method,
          headers: { cookie: w.a.client.cookie!, ...(body ? { 'content-type': 'application/json' } : {}), ...foreign },
          body: body ? JSON.stringify(body) : undefined,
        });
        const err = res.status === 403 ? ((await res.json()) as { error: { code: string } }).error.code : await res.text();
        attempts.push({ what: `${route} ${JSON.stringify(foreign)}`, status: err === 'forbidden' ? 403 : res.status });
      }
    }
    expect(attempts.filter((a) => a.status !== 403)).toEqual([]);
    expect(dataRows(await w.counts())).toEqual(before.rows);
    expect((await w.a.client.json<{ bots: unknown[] }>('GET', '/api/v1/bots')).body.bots).toEqual(before.bots);
    console.log(`[abuse] CSRF foreign Origin: tried ${attempts.length}, rejected ${attempts.length}, stored 0, lost 0`);

    // Controls: the same request from the app's own origin, and with a Bearer token from anywhere.
    const same = await fetch(`${w.url}/api/v1/bots`, {
      method: 'POST',
      headers: { cookie: w.a.client.cookie!, 'content-type': 'application/json', origin: w.url },
      body: JSON.stringify({ name: 'Same-origin bot' }),
    });
    expect(same.status).toBe(201);
    const token = (await w.a.client.json<{ token: string }>('POST', '/api/v1/auth/token')).body.token;
    const bearer = await fetch(`${w.url}/api/v1/bots`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', origin: 'https://integration.example' },
      body: JSON.stringify({ name: 'Script bot' }),
    });
    expect(bearer.status).toBe(201);
    await expectHealthy(w.url);
  });
});
