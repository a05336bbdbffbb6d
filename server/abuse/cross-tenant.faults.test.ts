import { createHmac } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudTextMessage, signWebhook, wamid, webhookFor } from '@/test/fake-graph-server';
import { Client, dialOk } from '@/test/http-client';
import { emitAck, recordEvents } from '@/test/socket-events';
import { openSse } from '@/test/sse-client';
import { shouldRunPostgres } from '@/test/test-db';
import { A_CLOUD_PHONE_ID, A_CONTACT_PHONE, dataRows, expectHealthy, leakedSecret, startAbuseWorld, type AbuseWorld } from './abuse-world';
import { discoverRoutes, fillPath, ROUTE_CASES, type Method } from './route-cases';

// Cross-tenant (issue 9): the owner of workspace B tries every REST route, every socket event and
// the SSE stream on workspace A's bots, conversations, members and invitations — with a cookie
// and with a bearer token. Always 403/404 (401 for webhooks B cannot sign), never a QR code, a
// message, a phone number or an email of A's, and nothing of A's changes.

// Rows are counted in PostgreSQL from outside the server; in CI it must be reachable (never skipped).
const postgres = await shouldRunPostgres();
let w: AbuseWorld;
let bToken: string;
let aToken: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  w = await startAbuseWorld();
  bToken = (await w.b.client.json<{ token: string }>('POST', '/api/v1/auth/token')).body.token;
  aToken = (await w.a.client.json<{ token: string }>('POST', '/api/v1/auth/token')).body.token;
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await w?.close();
});

interface Attempt {
  what: string;
  status: number | string;
  problem?: string;
}

/** A's state that B must not be able to touch. */
async function aState() {
  const bots = await w.a.client.json<{ bots: { id: string; name: string; status: string; phoneNumber: string | null }[] }>('GET', `/api/v1/bots?workspaceId=${w.a.workspaceId}`);
  const qr = await w.a.client.json<{ qrCode?: string }>('GET', `/api/v1/whatsapp/session-status/${w.qrBot.id}`);
  const conv = await w.a.client.json<{ status: string; assigneeId: string | null; botPaused: boolean; unreadCount: number }>('GET', `/api/v1/conversations/${w.conversationId}`);
  const members = await w.a.client.json<{ members: { userId: string; role: string }[] }>('GET', `/api/v1/workspaces/${w.a.workspaceId}/members`);
  const invites = await w.a.client.json<{ invites: { id: string }[] }>('GET', `/api/v1/workspaces/${w.a.workspaceId}/invites`);
  const account = await w.a.client.json<{ workspaces: { id: string; name: string }[] }>('GET', '/api/v1/auth/session');
  return {
    bots: bots.body.bots.map((b) => ({ id: b.id, name: b.name, status: b.status, phoneNumber: b.phoneNumber })).sort((x, y) => x.id.localeCompare(y.id)),
    qrShown: qr.body.qrCode === w.qrBot.qrCode,
    conversation: { status: conv.body.status, assigneeId: conv.body.assigneeId, botPaused: conv.body.botPaused },
    members: members.body.members.map((m) => `${m.userId}:${m.role}`).sort(),
    invites: invites.body.invites.map((i) => i.id),
    workspace: account.body.workspaces.find((x) => x.id === w.a.workspaceId)?.name,
  };
}

describe.runIf(postgres)('workspace B against workspace A', () => {
  it('has a cross-tenant case for every REST route on disk', () => {
    expect(discoverRoutes().filter((r) => !ROUTE_CASES[r])).toEqual([]);
  });

  it('every REST route, with a cookie and with a bearer token: 403/404, nothing of A’s in the answer, nothing changed', async () => {
    const before = { rows: dataRows(await w.counts()), state: await aState() };
    expect(before.state.qrShown).toBe(true);
    const attempts: Attempt[] = [];
    const self: [string, string][] = [];
    for (const [route, c] of Object.entries(ROUTE_CASES)) {
      if (c.crossTenant.kind !== 'denied') continue;
      const [method, pattern] = route.split(' ') as [Method, string];
      // Bot routes: each of A's bots (the linked one, the one showing a QR, the Cloud API one).
      const botIds = pattern.includes('[botId]') ? [w.linkedBot.id, w.qrBot.id, w.cloudBot.id] : [undefined];
      for (const botId of botIds) {
        const query = (c.crossQuery ?? c.query)?.(w);
        const path = fillPath(pattern, w, botId ? { botId } : {}) + (query ? `?${new URLSearchParams(query)}` : '');
        const body = (c.crossBody ?? c.body)?.(w);
        for (const auth of ['cookie', 'bearer'] as const) {
          const res = await fetch(w.url + path, {
            method,
            headers: {
              ...(auth === 'cookie' ? { cookie: w.b.client.cookie! } : { authorization: `Bearer ${bToken}` }),
              ...(body ? { 'content-type': 'application/json' } : {}),
            },
            body: body ? JSON.stringify(body) : undefined,
          });
          const text = await res.text();
          const leak = leakedSecret(text, w.secrets.filter((x) => !c.mayShow?.secrets.includes(x)));
          const problem = leak ? `leaked ${leak.slice(0, 20)}` : res.status === 403 || res.status === 404 ? undefined : `status ${res.status}: ${text.slice(0, 160)}`;
          attempts.push({ what: `${route} ${botId ?? ''} (${auth})`, status: res.status, problem });
        }
      }
    }
    const after = { rows: dataRows(await w.counts()), state: await aState() };
    expect(attempts.filter((a) => a.problem)).toEqual([]);
    expect(after.state).toEqual(before.state);
    expect(after.rows).toEqual(before.rows);
    const routesCovered = new Set(attempts.map((a) => a.what.split(' ').slice(0, 2).join(' ')));
    expect(routesCovered.size).toBe(Object.values(ROUTE_CASES).filter((c) => c.crossTenant.kind === 'denied').length);
    console.log(`[abuse] cross-tenant REST: tried ${attempts.length}, rejected ${attempts.filter((a) => !a.problem).length}, stored 0, lost 0, leaked 0`);

    // Self-scoped and public routes: whatever they answer, it is about B only (a second session of B's).
    const b2 = new Client(w.url);
    expect((await b2.json('POST', '/api/v1/auth/sign-in', { email: w.bEmail, password: w.password })).status).toBe(200);
    for (const [route, c] of Object.entries(ROUTE_CASES)) {
      if (c.crossTenant.kind !== 'self') continue;
      const [method, pattern] = route.split(' ') as [Method, string];
      const body = (c.crossBody ?? c.body)?.(w);
      const res = await b2.request(method, pattern, body);
      self.push([route, leakedSecret(await res.text(), w.secrets) ?? 'clean']);
    }
    expect(self.filter(([, r]) => r !== 'clean')).toEqual([]);
    await expectHealthy(w.url);
  });

  it('webhooks B cannot sign for A: refused, nothing stored', async () => {
    const before = dataRows(await w.counts());
    const raw = JSON.stringify(webhookFor(A_CLOUD_PHONE_ID, cloudTextMessage({ from: A_CONTACT_PHONE, text: 'injected by B', id: wamid() })));
    const cloud = await fetch(`${w.url}/api/whatsapp/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhook('b-has-its-own-meta-app-secret', raw) },
      body: raw,
    });
    const handshake = await fetch(`${w.url}/api/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=a-verify-guess&hub.challenge=123`);
    const workerRaw = JSON.stringify({ sessionId: w.linkedBot.sessionId, status: 'LOGGED_OUT' });
    const t = Math.floor(Date.now() / 1000);
    const worker = await fetch(`${w.url}/api/v1/webhooks/session-status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-parley-signature': `t=${t},v1=${createHmac('sha256', 'b'.repeat(40)).update(`${t}.${workerRaw}`).digest('hex')}` },
      body: workerRaw,
    });
    expect([cloud.status, handshake.status, worker.status]).toEqual([401, 403, 401]);
    expect(dataRows(await w.counts())).toEqual(before);
    console.log('[abuse] cross-tenant webhooks: tried 3, rejected 3, stored 0, lost 0');
  });

  it('every socket event and the SSE stream: error acks and 403/404, and B’s socket never hears of A', async () => {
    const { socket: bSocket } = await dialOk(w.url, { cookie: w.b.client.cookie });
    const { socket: bTokenSocket } = await dialOk(w.url, { token: bToken });
    const { socket: aSocket } = await dialOk(w.url, { cookie: w.a.client.cookie });
    sockets.push(bSocket, bTokenSocket, aSocket);
    const heardB = [recordEvents(bSocket), recordEvents(bTokenSocket)];
    const heardA = recordEvents(aSocket);
    const before = { rows: dataRows(await w.counts()), state: await aState() };

    const attempts: Attempt[] = [];
    const aBots = [w.linkedBot.id, w.qrBot.id, w.cloudBot.id];
    for (const socket of [bSocket, bTokenSocket]) {
      const tries: [string, unknown][] = [
        ...aBots.map((botId) => ['subscribe_session', { botId }] as [string, unknown]),
        ...aBots.map((botId) => ['trigger_whatsapp_connection', { botId, method: 'qr' }] as [string, unknown]),
        ['trigger_whatsapp_connection', { botId: w.linkedBot.id, method: 'pairing_code', phoneNumber: '15550009999' }],
        ...aBots.map((botId) => ['disconnect_whatsapp', { botId }] as [string, unknown]),
        // A's own valid token handed to B's connection must not move it to A.
        ['refresh_token', { token: aToken }],
      ];
      for (const [event, payload] of tries) {
        const ack = await emitAck(socket, event, payload);
        const text = JSON.stringify(ack);
        const leak = leakedSecret(text, w.secrets);
        const refused = !ack.ok && ['forbidden', 'not_found', 'unauthorized'].includes(ack.error.code);
        attempts.push({ what: `${event} ${JSON.stringify(payload)}`, status: ack.ok ? 'ok' : ack.error.code, problem: leak ? `leaked ${leak}` : refused ? undefined : text.slice(0, 160) });
      }
      // Leaving a room one is not in is a no-op, not a refusal: it answers the bot id only.
      const left = await emitAck(socket, 'unsubscribe_session', { botId: w.qrBot.id });
      expect(left).toEqual({ ok: true, data: { botId: w.qrBot.id } });
    }

    for (const botId of aBots) {
      for (const auth of [{ cookie: w.b.client.cookie }, { token: bToken }]) {
        const stream = await openSse(`${w.url}/api/v1/whatsapp/connection-events?botId=${botId}`, auth);
        const text = stream.res.ok ? '' : await stream.res.text();
        stream.close();
        const leak = leakedSecret(text, w.secrets);
        attempts.push({
          what: `SSE ${botId} ${auth.token ? 'bearer' : 'cookie'}`,
          status: stream.res.status,
          problem: leak ? `leaked ${leak}` : [403, 404].includes(stream.res.status) ? undefined : `status ${stream.res.status}`,
        });
      }
    }
    expect(attempts.filter((a) => a.problem)).toEqual([]);

    // A's workspace is busy meanwhile: a contact writes in. A's socket hears it; B's never do.
    const said = await w.a.client.json('POST', `/api/dev/simulator/bots/${w.linkedBot.id}/messages`, { from: A_CONTACT_PHONE, text: 'A second secret: 9931' });
    expect(said.status).toBe(202);
    await heardA.waitFor('new_message', (p) => (p.message as { body?: string }).body === 'A second secret: 9931', 10_000);
    await new Promise((r) => setTimeout(r, 500));
    const secrets = [...w.secrets, 'A second secret: 9931', ...aBots, w.conversationId];
    for (const heard of heardB) {
      expect(heard.events.filter((e) => leakedSecret(JSON.stringify(e.payload), secrets)).map((e) => e.event)).toEqual([]);
    }
    expect(bSocket.connected && bTokenSocket.connected).toBe(true);

    const after = await aState();
    expect(after).toEqual(before.state);
    const rows = dataRows(await w.counts());
    // The contact's new message (one row) and nothing else.
    expect({ ...rows, messages: rows.messages! - 1 }).toEqual(before.rows);
    console.log(`[abuse] cross-tenant sockets+SSE: tried ${attempts.length}, rejected ${attempts.filter((a) => !a.problem).length}, stored 0, lost 0, leaked 0`);
    await expectHealthy(w.url);
  });
});
