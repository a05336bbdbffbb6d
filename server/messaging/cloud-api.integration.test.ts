import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '@/lib/realtime/events';
import type { ConversationPage, ConversationView, MessagePage } from '@/lib/services/conversations/views';
import {
  cloudImageMessage,
  cloudStatus,
  cloudTextMessage,
  FAKE_DISPLAY_PHONE,
  FAKE_PHONE_NUMBER_ID,
  FAKE_VERIFIED_NAME,
  signWebhook,
  startFakeGraph,
  wamid,
  webhookBody,
  webhookFor,
  type FakeGraph,
} from '@/test/fake-graph-server';
import { Client, dialOk } from '@/test/http-client';
import { recordEvents, type Payload } from '@/test/socket-events';
import { type RunningServer, startServer } from '@/test/spawn-server';
import { createPostgresDatabase, shouldRunPostgres, type TestDatabase } from '@/test/test-db';

// The WhatsApp Cloud API channel end to end on the production server: Meta's side is the local
// fake Graph API (WHATSAPP_GRAPH_URL) and webhook deliveries built in Meta's documented format.
// PostgreSQL when reachable (always in CI): a read there does not wait behind an open transaction,
// so "readable when pushed" is a real check, and duplicate deliveries really race.

// Meta-side secrets: distinctive random strings, so finding one anywhere is never a coincidence.
const ACCESS_TOKEN = `EAAG${randomBytes(24).toString('hex')}`;
const WRONG_TOKEN = `EAAG${randomBytes(24).toString('hex')}`;
const META_APP_SECRET = randomBytes(16).toString('hex');
const VERIFY_TOKEN = `verify-${randomBytes(12).toString('hex')}`;
const SECRETS = { ACCESS_TOKEN, WRONG_TOKEN, META_APP_SECRET, VERIFY_TOKEN };

// Two numbers of one Meta app (one app secret signs deliveries for both), and one nobody owns.
const PHONE_A = FAKE_PHONE_NUMBER_ID;
const PHONE_B = '106540352242999';
const PHONE_B_DISPLAY = '+1 555-010-3000';
const PHONE_UNKNOWN = '100000000000001';

const BOT_B_SETTINGS = { autoReplies: [{ pattern: 'price', reply: 'Our prices start at $10.', match: 'contains' }] };

type BotBody = { id: string; status: string; channel: string; phoneNumber: string | null; displayName: string | null };
type ErrorBody = { error: { code: string; message: string; details?: { path: string; message: string }[] } };
type WebhookAck = { ok: boolean; received?: number; duplicates?: number; statuses?: number; ignored?: number };

/** Every response the test process received from the server, headers included (secrets check). */
const transcript: string[] = [];

class RecordingClient extends Client {
  override async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const res = await super.request(method, path, body, headers);
    transcript.push(`${method} ${path} → ${res.status} ${JSON.stringify([...res.headers])}\n${await res.clone().text()}`);
    return res;
  }
}

type Account = { client: RecordingClient; userId: string };

let server: RunningServer;
let graph: FakeGraph;
let database: TestDatabase | undefined;
let owner: Account;
let outsider: Account;
let botA: BotBody; // quiet: no welcome, no rules
let botB: BotBody; // answers "price"
const sockets: Socket[] = [];
let inbox: ReturnType<typeof recordEvents>;
let outsiderInbox: ReturnType<typeof recordEvents>;

async function signUp(email: string, name: string): Promise<Account> {
  const client = new RecordingClient(server.url);
  const { status, body } = await client.json<{ user: { id: string } }>('POST', '/api/v1/auth/sign-up', { email, password: 'correct-horse', name });
  expect(status).toBe(201);
  return { client, userId: body.user.id };
}

function webhookUrl(query = ''): string {
  return `${server.url}/api/whatsapp/webhook${query}`;
}

async function recorded(res: Response, label: string): Promise<{ status: number; text: string }> {
  const text = await res.text();
  transcript.push(`${label} → ${res.status} ${JSON.stringify([...res.headers])}\n${text}`);
  return { status: res.status, text };
}

/** POSTs these exact bytes to the webhook with the given headers. */
async function postRaw(raw: string, headers: Record<string, string>): Promise<{ status: number; body: WebhookAck & Partial<ErrorBody> }> {
  const res = await fetch(webhookUrl(), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
  const { status, text } = await recorded(res, 'POST /api/whatsapp/webhook');
  return { status, body: JSON.parse(text) as WebhookAck & Partial<ErrorBody> };
}

/** A delivery as Meta sends it: signed with the app secret over the exact bytes. */
function deliver(payload: unknown): ReturnType<typeof postRaw> {
  const raw = JSON.stringify(payload);
  return postRaw(raw, { 'x-hub-signature-256': signWebhook(META_APP_SECRET, raw) });
}

async function verifyHandshake(params: Record<string, string>): Promise<{ status: number; text: string; type: string | null }> {
  const res = await fetch(webhookUrl(`?${new URLSearchParams(params)}`));
  const type = res.headers.get('content-type');
  return { ...(await recorded(res, 'GET /api/whatsapp/webhook')), type };
}

async function conversationOf(botId: string, phone: string): Promise<ConversationView | undefined> {
  const { body } = await owner.client.json<ConversationPage>('GET', `/api/v1/conversations?status=all&botId=${botId}&q=${phone}`);
  return body.conversations.find((c) => c.contactPhone === phone);
}

/** Conversations with this contact on any bot of the owner's workspace. */
async function conversationsWith(phone: string): Promise<ConversationView[]> {
  const { body } = await owner.client.json<ConversationPage>('GET', `/api/v1/conversations?status=all&q=${phone}&limit=100`);
  return body.conversations.filter((c) => c.contactPhone === phone);
}

async function thread(conversationId: string): Promise<ChatMessage[]> {
  const { status, body } = await owner.client.json<MessagePage>('GET', `/api/v1/conversations/${conversationId}/messages?limit=200`);
  expect(status).toBe(200);
  return body.messages;
}

const graphSends = () => graph.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'));
const pushedMessage = (externalId: string) => inbox.of('new_message').filter((p) => (p.message as ChatMessage).externalId === externalId);

// "Persist before emit": the moment an inbox event arrives, read the same thing back over REST.
// Were the event published before the transaction committed, the read would miss the row.
type ReadAtEmit = { event: string; payload: Payload; read: Promise<{ status: number; body: unknown }> };
const readsAtEmit: ReadAtEmit[] = [];
const STATUS_RANK: Record<string, number> = { pending: 0, failed: 1, sent: 1, delivered: 2, read: 3 };

function readBackOnEmit(socket: Socket): void {
  const at = (event: string, path: (p: Payload) => string) =>
    socket.on(event, (payload: Payload) => readsAtEmit.push({ event, payload, read: owner.client.json('GET', path(payload)) }));
  at('new_message', (p) => `/api/v1/conversations/${String(p.conversationId)}/messages?limit=200`);
  at('message_status_updated', (p) => `/api/v1/conversations/${String(p.conversationId)}/messages?limit=200`);
  at('conversation_updated', (p) => `/api/v1/conversations/${String(p.conversationId)}`);
}

/** Every inbox event so far was readable over REST when it arrived, in at least its pushed state. */
async function expectReadableWhenPushed(): Promise<void> {
  const checks = readsAtEmit.splice(0);
  expect(checks.length).toBeGreaterThan(0);
  for (const { event, payload, read } of checks) {
    const { status, body } = await read;
    expect({ event, status }).toEqual({ event, status: 200 });
    if (event === 'conversation_updated') {
      expect((body as ConversationView).unreadCount).toBeGreaterThanOrEqual(payload.unreadCount as number);
      continue;
    }
    const id = event === 'new_message' ? (payload.message as ChatMessage).id : (payload.messageId as string);
    const row = (body as MessagePage).messages.find((m) => m.id === id);
    expect({ event, id, stored: Boolean(row) }).toEqual({ event, id, stored: true });
    if (event === 'message_status_updated') {
      expect(STATUS_RANK[row!.status]).toBeGreaterThanOrEqual(STATUS_RANK[payload.status as string]!);
    }
  }
}

beforeAll(async () => {
  graph = await startFakeGraph({
    accessToken: ACCESS_TOKEN,
    phoneNumbers: {
      [PHONE_A]: { displayPhoneNumber: FAKE_DISPLAY_PHONE, verifiedName: FAKE_VERIFIED_NAME },
      [PHONE_B]: { displayPhoneNumber: PHONE_B_DISPLAY, verifiedName: 'Parley Sales' },
    },
  });
  database = (await shouldRunPostgres()) ? await createPostgresDatabase() : undefined;
  server = await startServer({
    mode: 'production',
    env: {
      WHATSAPP_GRAPH_URL: graph.url,
      SEND_MIN_INTERVAL_MS: '0',
      // The most talkative level: what is logged is searched for secrets at the end.
      LOG_LEVEL: 'debug',
      ...(database ? { DATABASE_URL: database.url } : {}),
    },
  });
  owner = await signUp('owner@example.com', 'Olive Owner');
  outsider = await signUp('outsider@example.com', 'Oscar Outsider');

  const { socket } = await dialOk(server.url, { cookie: owner.client.cookie });
  sockets.push(socket);
  inbox = recordEvents(socket);
  readBackOnEmit(socket);
  const { socket: spy } = await dialOk(server.url, { cookie: outsider.client.cookie });
  sockets.push(spy);
  outsiderInbox = recordEvents(spy);
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.stop();
  await graph?.close();
  await database?.drop();
});

describe('WhatsApp Cloud API channel on the real server', () => {
  it('links a cloud_api bot only with credentials Meta accepts, storing nothing otherwise', async () => {
    const created = await owner.client.json<BotBody>('POST', '/api/v1/bots', { name: 'Acme Cloud', channel: 'cloud_api' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ channel: 'cloud_api', status: 'DISCONNECTED', phoneNumber: null });
    botA = created.body;
    const credentials = { phoneNumberId: PHONE_A, accessToken: ACCESS_TOKEN, appSecret: META_APP_SECRET, verifyToken: VERIFY_TOKEN };
    const link = (body: unknown) => owner.client.json<BotBody & ErrorBody>('PUT', `/api/v1/bots/${botA.id}/cloud-api`, body);

    // A token Meta refuses: 422 on the token field, and the fake Graph really was asked with it.
    const badToken = await link({ ...credentials, accessToken: WRONG_TOKEN });
    expect(badToken.status).toBe(422);
    expect(badToken.body.error.code).toBe('validation_failed');
    expect(badToken.body.error.message).toMatch(/^Meta rejected these credentials: .*access token/i);
    expect(badToken.body.error.details?.[0]?.path).toBe('accessToken');
    expect(graph.requests.at(-1)).toMatchObject({ method: 'GET', path: `/v21.0/${PHONE_A}?fields=display_phone_number,verified_name` });
    expect(graph.requests.at(-1)!.headers.authorization).toBe(`Bearer ${WRONG_TOKEN}`);

    // A phone number id Meta does not know: 422 on that field.
    const badId = await link({ ...credentials, phoneNumberId: '999999999' });
    expect(badId.status).toBe(422);
    expect(badId.body.error.details?.[0]?.path).toBe('phoneNumberId');

    // Meta unreachable for a moment: 503 with Retry-After, not "your credentials are wrong".
    graph.failNext(1, 500);
    const outage = await link(credentials);
    expect(outage.status).toBe(503);
    expect(outage.res.headers.get('retry-after')).toBe('5');

    // Nothing of the refused attempts was stored: the bot is unlinked, its verify token unknown,
    // and a delivery for its number is ignored.
    const after = await owner.client.json<BotBody>('GET', `/api/v1/bots/${botA.id}`);
    expect(after.body).toMatchObject({ status: 'DISCONNECTED', phoneNumber: null, displayName: null });
    expect((await verifyHandshake({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' })).status).toBe(403);
    const early = await deliver(webhookFor(PHONE_A, cloudTextMessage({ from: '16315550001', text: 'anyone there?' })));
    expect(early).toMatchObject({ status: 200, body: { ok: true, ignored: 1 } });
    expect(await conversationsWith('16315550001')).toEqual([]);

    // The right credentials: CONNECTED at once (no QR step), with the number's details from Meta.
    const linked = await link(credentials);
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({ id: botA.id, channel: 'cloud_api', status: 'CONNECTED', phoneNumber: '15550102000', displayName: FAKE_VERIFIED_NAME });
    botA = linked.body;
    await inbox.waitFor('session_status_changed', (p) => p.botId === botA.id && p.status === 'CONNECTED');
    await inbox.waitFor('bot_status_update', (p) => p.botId === botA.id && p.status === 'CONNECTED');

    // A second number of the same Meta app, on a bot that answers "price".
    const second = await owner.client.json<BotBody>('POST', '/api/v1/bots', { name: 'Acme Sales', channel: 'cloud_api', settings: BOT_B_SETTINGS });
    expect(second.status).toBe(201);
    const linkedB = await owner.client.json<BotBody>('PUT', `/api/v1/bots/${second.body.id}/cloud-api`, { ...credentials, phoneNumberId: PHONE_B });
    expect(linkedB.body).toMatchObject({ status: 'CONNECTED', phoneNumber: '15550103000', displayName: 'Parley Sales' });
    botB = linkedB.body;

    // Another workspace cannot claim a number that is already linked (it would receive its messages).
    const theirs = await outsider.client.json<BotBody>('POST', '/api/v1/bots', { name: 'Not yours', channel: 'cloud_api' });
    const hijack = await outsider.client.json<ErrorBody>('PUT', `/api/v1/bots/${theirs.body.id}/cloud-api`, credentials);
    expect(hijack.status).toBe(409);
    expect(hijack.body.error.code).toBe('conflict');
  });

  it('answers hub.challenge only when hub.verify_token belongs to a Cloud API bot', async () => {
    const ok = await verifyHandshake({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' });
    expect(ok).toMatchObject({ status: 200, text: '1158201444' });
    expect(ok.type).toMatch(/^text\/plain/);

    const refused: Record<string, string>[] = [
      { 'hub.mode': 'subscribe', 'hub.verify_token': `${VERIFY_TOKEN}x`, 'hub.challenge': '1' },
      { 'hub.mode': 'subscribe', 'hub.verify_token': 'guess-guess-guess', 'hub.challenge': '1' },
      { 'hub.mode': 'subscribe', 'hub.challenge': '1' },
      { 'hub.mode': 'unsubscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1' },
      { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN },
    ];
    for (const params of refused) {
      const res = await verifyHandshake(params);
      expect({ params, status: res.status }).toEqual({ params, status: 403 });
      expect(res.text).not.toContain('1158201444');
      expect((JSON.parse(res.text) as ErrorBody).error.code).toBe('forbidden');
    }
  });

  it('stores a text message with its sender’s profile name, then pushes new_message and conversation_updated', async () => {
    const id = wamid();
    const ack = await deliver(webhookFor(PHONE_A, cloudTextMessage({ from: '16315551181', name: 'Kerry Fisher', id, text: 'Hello, is my order shipped?' })));
    expect(ack).toMatchObject({ status: 200, body: { ok: true, received: 1, duplicates: 0 } });

    // Stored before the 200: readable right away.
    const conv = (await conversationOf(botA.id, '16315551181'))!;
    expect(conv).toMatchObject({
      contactName: 'Kerry Fisher',
      unreadCount: 1,
      status: 'open',
      botPaused: false,
      lastMessage: { body: 'Hello, is my order shipped?', direction: 'in' },
    });
    expect(await thread(conv.id)).toMatchObject([
      { externalId: id, direction: 'in', type: 'text', body: 'Hello, is my order shipped?', author: 'contact', status: 'delivered' },
    ]);

    const pushed = await inbox.waitFor('new_message', (p) => (p.message as ChatMessage).externalId === id);
    expect(pushed).toMatchObject({ conversationId: conv.id, botId: botA.id, message: { body: 'Hello, is my order shipped?', direction: 'in', type: 'text' } });
    const updated = await inbox.waitFor('conversation_updated', (p) => p.conversationId === conv.id);
    expect(updated).toMatchObject({
      botId: botA.id,
      contactPhone: '16315551181',
      contactName: 'Kerry Fisher',
      unreadCount: 1,
      lastMessage: { body: 'Hello, is my order shipped?', direction: 'in' },
    });
    // The quiet bot sends nothing.
    expect(graphSends()).toEqual([]);
    await expectReadableWhenPushed();
  });

  it('stores an image’s caption as its body, and a caption-less image as [image] in the list', async () => {
    const withCaption = wamid();
    expect((await deliver(webhookFor(PHONE_A, cloudImageMessage({ from: '16315551182', name: 'Ivy', id: withCaption, caption: 'The broken part' })))).body.received).toBe(1);
    const conv = (await conversationOf(botA.id, '16315551182'))!;
    expect(conv.lastMessage).toMatchObject({ body: 'The broken part', direction: 'in' });
    const pushed = await inbox.waitFor('new_message', (p) => (p.message as ChatMessage).externalId === withCaption);
    expect(pushed.message).toMatchObject({ type: 'image', body: 'The broken part' });

    const bare = wamid();
    expect((await deliver(webhookFor(PHONE_A, cloudImageMessage({ from: '16315551182', id: bare })))).body.received).toBe(1);
    expect(await thread(conv.id)).toMatchObject([
      { externalId: withCaption, type: 'image', body: 'The broken part' },
      { externalId: bare, type: 'image', body: '' },
    ]);
    expect((await conversationOf(botA.id, '16315551182'))!).toMatchObject({ unreadCount: 2, lastMessage: { body: '[image]' } });
    await inbox.waitFor('conversation_updated', (p) => p.conversationId === conv.id && p.unreadCount === 2);
    await expectReadableWhenPushed();
  });

  it('handles several entries and changes in one POST: each number to its bot, each contact to its profile name', async () => {
    const [m1, m2, m3, m4] = [wamid(), wamid(), wamid(), wamid()];
    const payload = webhookBody([
      {
        wabaId: '102290129340398',
        changes: [
          // Kerry changed her profile name since her first message.
          { phoneNumberId: PHONE_A, events: [cloudTextMessage({ from: '16315551181', name: 'Kerry F.', id: m1, text: 'Any news?' })] },
          { phoneNumberId: PHONE_A, events: [cloudTextMessage({ from: '16315551183', id: m2, text: 'No contact card with this one' })] },
        ],
      },
      {
        wabaId: '102290129340399',
        changes: [
          {
            phoneNumberId: PHONE_B,
            displayPhoneNumber: PHONE_B_DISPLAY,
            events: [
              cloudTextMessage({ from: '4915112345601', name: 'Ann', id: m3, text: 'Guten Tag' }),
              cloudTextMessage({ from: '4915112345602', name: 'Bob', id: m4, text: 'Hallo' }),
            ],
          },
        ],
      },
    ]) as { entry: { changes: unknown[] }[] };
    // A change for another field (Meta sends account updates to the same URL) is skipped.
    payload.entry[0]!.changes.push({ field: 'account_update', value: { phone_number: '15550102000', event: 'VERIFIED_ACCOUNT' } });

    const ack = await deliver(payload);
    expect(ack).toMatchObject({ status: 200, body: { ok: true, received: 4, duplicates: 0, ignored: 0 } });

    expect(await conversationOf(botA.id, '16315551181')).toMatchObject({ contactName: 'Kerry F.', unreadCount: 2, lastMessage: { body: 'Any news?' } });
    expect(await conversationOf(botA.id, '16315551183')).toMatchObject({ contactName: null, lastMessage: { body: 'No contact card with this one' } });
    expect(await conversationOf(botB.id, '4915112345601')).toMatchObject({ contactName: 'Ann', lastMessage: { body: 'Guten Tag' } });
    expect(await conversationOf(botB.id, '4915112345602')).toMatchObject({ contactName: 'Bob', lastMessage: { body: 'Hallo' } });
    // Routed by phone_number_id: no bot got the other's contacts.
    expect(await conversationOf(botB.id, '16315551181')).toBeUndefined();
    expect(await conversationOf(botA.id, '4915112345601')).toBeUndefined();

    for (const [id, botId] of [[m1, botA.id], [m2, botA.id], [m3, botB.id], [m4, botB.id]] as const) {
      expect((await inbox.waitFor('new_message', (p) => (p.message as ChatMessage).externalId === id)).botId).toBe(botId);
    }
    await inbox.waitFor('conversation_updated', (p) => p.contactPhone === '16315551181' && p.contactName === 'Kerry F.');
    await inbox.waitFor('conversation_updated', (p) => p.contactPhone === '4915112345602' && p.contactName === 'Bob' && p.botId === botB.id);

    // A later delivery without a contact card keeps the name.
    expect((await deliver(webhookFor(PHONE_A, cloudTextMessage({ from: '16315551181', text: 'Hello?' })))).body.received).toBe(1);
    expect(await conversationOf(botA.id, '16315551181')).toMatchObject({ contactName: 'Kerry F.', unreadCount: 3 });
    await expectReadableWhenPushed();
  });

  it('moves a bot reply through sent, delivered and read receipts, fails it on a failed one, and pushes each step', async () => {
    const contact = '4915112345603';
    const ask = wamid();
    expect((await deliver(webhookFor(PHONE_B, cloudTextMessage({ from: contact, name: 'Carla', id: ask, text: 'What is the price?' })))).body.received).toBe(1);

    // The bot engine answers through Graph, from bot B's number.
    await vi.waitFor(() => expect(graph.sentMessages().filter((m) => m.to === contact)).toHaveLength(1), { timeout: 5_000, interval: 20 });
    const [out] = graph.sentMessages().filter((m) => m.to === contact);
    expect(out).toMatchObject({ phoneNumberId: PHONE_B, text: 'Our prices start at $10.' });
    const conv = (await conversationOf(botB.id, contact))!;
    await vi.waitFor(async () => expect((await thread(conv.id)).at(-1)).toMatchObject({ author: 'bot', status: 'sent', externalId: out!.id }), {
      timeout: 5_000,
      interval: 20,
    });
    const reply = (await thread(conv.id)).at(-1)!;
    await inbox.waitFor('message_status_updated', (p) => p.messageId === reply.id && p.status === 'sent');

    const receipt = async (status: 'sent' | 'delivered' | 'read' | 'failed', id = out!.id, error?: { code: number; title: string }) =>
      (await deliver(webhookFor(PHONE_B, cloudStatus({ id, status, recipient: contact, ...(error ? { error } : {}) })))).body;
    // Meta's own "sent" for a message already marked sent changes nothing.
    expect(await receipt('sent')).toMatchObject({ ok: true, statuses: 0 });
    expect(await receipt('delivered')).toMatchObject({ ok: true, statuses: 1 });
    expect((await thread(conv.id)).at(-1)).toMatchObject({ id: reply.id, status: 'delivered' });
    await inbox.waitFor('message_status_updated', (p) => p.messageId === reply.id && p.status === 'delivered');
    expect(await receipt('read')).toMatchObject({ statuses: 1 });
    expect((await thread(conv.id)).at(-1)).toMatchObject({ id: reply.id, status: 'read' });
    await inbox.waitFor('message_status_updated', (p) => p.messageId === reply.id && p.status === 'read');
    // Late or repeated receipts never move a status back.
    expect(await receipt('delivered')).toMatchObject({ statuses: 0 });
    expect(await receipt('failed', out!.id, { code: 131000, title: 'Something went wrong' })).toMatchObject({ statuses: 0 });
    expect((await thread(conv.id)).at(-1)).toMatchObject({ id: reply.id, status: 'read', error: null });
    expect(inbox.of('message_status_updated').filter((p) => p.messageId === reply.id).map((p) => p.status)).toEqual(['sent', 'delivered', 'read']);
    // A receipt for a message nobody here sent is acknowledged and ignored.
    expect(await receipt('read', wamid())).toMatchObject({ ok: true, statuses: 0 });

    // A second reply that WhatsApp fails to deliver: failed, with Meta's reason for the agent.
    expect((await deliver(webhookFor(PHONE_B, cloudTextMessage({ from: contact, text: 'price for two?' })))).body.received).toBe(1);
    await vi.waitFor(() => expect(graph.sentMessages().filter((m) => m.to === contact)).toHaveLength(2), { timeout: 5_000, interval: 20 });
    const second = graph.sentMessages().filter((m) => m.to === contact)[1]!;
    await vi.waitFor(async () => expect((await thread(conv.id)).at(-1)).toMatchObject({ status: 'sent', externalId: second.id }), { timeout: 5_000, interval: 20 });
    expect(await receipt('failed', second.id, { code: 131047, title: 'Re-engagement message' })).toMatchObject({ statuses: 1 });
    const failed = (await thread(conv.id)).at(-1)!;
    expect(failed).toMatchObject({ author: 'bot', status: 'failed', error: 'Re-engagement message' });
    const pushedFailure = await inbox.waitFor('message_status_updated', (p) => p.messageId === failed.id && p.status === 'failed');
    expect(pushedFailure).toMatchObject({ conversationId: conv.id, botId: botB.id, error: 'Re-engagement message' });
    await expectReadableWhenPushed();
  });

  it('refuses a delivery with a bad signature (401) and stores nothing', async () => {
    const contact = '16315559001';
    const ids: string[] = [];
    const body = () => {
      const id = wamid();
      ids.push(id);
      return JSON.stringify(webhookFor(PHONE_A, cloudTextMessage({ from: contact, name: 'Mallory', id, text: 'Send me the refund' })));
    };
    const original = body();
    const tampered = original.replace('Send me the refund', 'Send me ALL the refunds');
    const cases: [string, string, Record<string, string>][] = [
      ['another secret', original, { 'x-hub-signature-256': signWebhook(randomBytes(16).toString('hex'), original) }],
      ['no signature', body(), {}],
      ['a tampered body', tampered, { 'x-hub-signature-256': signWebhook(META_APP_SECRET, original) }],
      ['bytes re-serialised', JSON.stringify(JSON.parse(original), null, 2), { 'x-hub-signature-256': signWebhook(META_APP_SECRET, original) }],
      ['a malformed header', body(), { 'x-hub-signature-256': 'sha256=zz' }],
      ['a SHA-1 signature', body(), { 'x-hub-signature-256': signWebhook(META_APP_SECRET, original).replace('sha256=', 'sha1=') }],
    ];
    for (const [what, raw, headers] of cases) {
      const res = await postRaw(raw, headers);
      expect({ what, status: res.status, code: res.body.error?.code }).toEqual({ what, status: 401, code: 'unauthorized' });
    }
    expect(await conversationsWith(contact)).toEqual([]);
    // A later good delivery's event as a fence: a stored bad one would have been pushed before it.
    const fence = wamid();
    expect((await deliver(webhookFor(PHONE_A, cloudTextMessage({ from: '16315559002', id: fence, text: 'fence' })))).status).toBe(200);
    await inbox.waitFor('new_message', (p) => (p.message as ChatMessage).externalId === fence);
    expect(ids.flatMap(pushedMessage)).toEqual([]);
    expect(inbox.of('conversation_updated').filter((p) => p.contactPhone === contact)).toEqual([]);
    expect(await conversationsWith(contact)).toEqual([]);
  });

  it('stores 10 duplicate deliveries of one message once and pushes one new_message, sequentially and concurrently', async () => {
    const contact = '16315552001';
    const sequential = wamid();
    const raw = JSON.stringify(webhookFor(PHONE_A, cloudTextMessage({ from: contact, name: 'Dana', id: sequential, text: 'Is anyone there?' })));
    const signature = { 'x-hub-signature-256': signWebhook(META_APP_SECRET, raw) };
    const acks: WebhookAck[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await postRaw(raw, signature);
      expect(res.status).toBe(200);
      acks.push(res.body);
    }
    expect(acks.map((a) => [a.received, a.duplicates])).toEqual([[1, 0], ...Array.from({ length: 9 }, () => [0, 1])]);

    // Meta retries a delivery it did not see acknowledged: all ten at once this time.
    const concurrent = wamid();
    const rawC = JSON.stringify(webhookFor(PHONE_A, cloudTextMessage({ from: contact, name: 'Dana', id: concurrent, text: 'Hello??' })));
    const signatureC = { 'x-hub-signature-256': signWebhook(META_APP_SECRET, rawC) };
    const results = await Promise.all(Array.from({ length: 10 }, () => postRaw(rawC, signatureC)));
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => 200));
    expect(results.reduce((n, r) => n + (r.body.received ?? 0), 0)).toBe(1);
    expect(results.reduce((n, r) => n + (r.body.duplicates ?? 0), 0)).toBe(9);

    // And one delivery carrying the same message twice.
    const twice = wamid();
    const again = cloudTextMessage({ from: contact, id: twice, text: 'Hello???' });
    expect((await deliver(webhookFor(PHONE_A, again, again))).body).toMatchObject({ received: 1, duplicates: 1 });

    const conv = (await conversationOf(botA.id, contact))!;
    expect((await thread(conv.id)).map((m) => m.externalId)).toEqual([sequential, concurrent, twice]);
    expect(conv.unreadCount).toBe(3);
    // A later message's event as a fence: any duplicate event would have been published before it.
    const fence = wamid();
    await deliver(webhookFor(PHONE_A, cloudTextMessage({ from: contact, id: fence, text: 'fence' })));
    await inbox.waitFor('new_message', (p) => (p.message as ChatMessage).externalId === fence);
    await new Promise((r) => setTimeout(r, 200));
    expect([sequential, concurrent, twice].map((id) => pushedMessage(id).length)).toEqual([1, 1, 1]);
    await expectReadableWhenPushed();
  });

  it('acknowledges a delivery for a phone number id no bot owns (200) and stores nothing of it', async () => {
    const contact = '16315553001';
    const ack = await deliver(webhookFor(PHONE_UNKNOWN, cloudTextMessage({ from: contact, name: 'Nobody', text: 'Hi' }), cloudStatus({ id: wamid(), status: 'read', recipient: contact })));
    expect(ack).toMatchObject({ status: 200, body: { ok: true, ignored: 2 } });
    expect(await conversationsWith(contact)).toEqual([]);

    // Mixed with a known number: the known part is stored, the rest ignored.
    const known = wamid();
    const mixed = await deliver(
      webhookBody([
        { changes: [{ phoneNumberId: PHONE_UNKNOWN, events: [cloudTextMessage({ from: contact, text: 'Hi again' })] }] },
        { changes: [{ phoneNumberId: PHONE_A, events: [cloudTextMessage({ from: '16315553002', id: known, text: 'For bot A' })] }] },
      ]),
    );
    expect(mixed).toMatchObject({ status: 200, body: { received: 1, ignored: 1 } });
    await inbox.waitFor('new_message', (p) => (p.message as ChatMessage).externalId === known);
    expect(await conversationsWith(contact)).toEqual([]);
    expect(inbox.of('conversation_updated').filter((p) => p.contactPhone === contact)).toEqual([]);
  });

  it('refuses malformed JSON (400), a body over the limit (413) and other envelopes (400), storing nothing', async () => {
    const contact = '16315554001';
    const send = (raw: string) => postRaw(raw, { 'x-hub-signature-256': signWebhook(META_APP_SECRET, raw) });

    const truncated = JSON.stringify(webhookFor(PHONE_A, cloudTextMessage({ from: contact, text: 'cut off' }))).slice(0, -5);
    expect(await send(truncated)).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } });
    expect(await send('')).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } });

    for (const envelope of [
      { object: 'page', entry: [] },
      { object: 'whatsapp_business_account' },
      { object: 'whatsapp_business_account', entry: { id: '1' } },
      { object: 'whatsapp_business_account', entry: [{ id: '1', changes: 'messages' }] },
      [webhookFor(PHONE_A, cloudTextMessage({ from: contact, text: 'in an array' }))],
      null,
      'whatsapp_business_account',
    ]) {
      const res = await send(JSON.stringify(envelope));
      expect({ envelope, status: res.status, code: res.body.error?.code }).toEqual({ envelope, status: 400, code: 'bad_request' });
    }

    // Over 3 MB: refused by its declared length, and while reading when no length is declared.
    const huge = JSON.stringify(webhookFor(PHONE_A, cloudTextMessage({ from: contact, text: 'x'.repeat(3 * 1024 * 1024) })));
    expect(await send(huge)).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
    const bytes = new TextEncoder().encode(huge);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 256 * 1024) controller.enqueue(bytes.slice(i, i + 256 * 1024));
        controller.close();
      },
    });
    const streamed = await fetch(webhookUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhook(META_APP_SECRET, huge) },
      body: chunked,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    expect(await recorded(streamed, 'POST /api/whatsapp/webhook (chunked)')).toMatchObject({ status: 413 });

    // Meta batches: a 1.5 MB delivery (over the 1 MB other JSON routes allow) is still accepted.
    const big = wamid();
    const large = await deliver(webhookFor(PHONE_A, cloudTextMessage({ from: '16315554002', id: big, text: 'y'.repeat(1_500_000) })));
    expect(large).toMatchObject({ status: 200, body: { received: 1 } });
    expect(await conversationsWith(contact)).toEqual([]);
  });

  it('sends an agent reply through Graph with the bearer token, marks it sent with the wamid, then delivered and read', async () => {
    const contact = '16315551181';
    const conv = (await conversationOf(botA.id, contact))!;
    const before = graphSends().length;
    const sent = await owner.client.json<ChatMessage>('POST', `/api/v1/conversations/${conv.id}/messages`, { text: 'Hi Kerry, it ships today.' });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ direction: 'out', author: 'agent', authorUserId: owner.userId, status: 'pending', externalId: null });
    await inbox.waitFor('new_message', (p) => (p.message as ChatMessage).id === sent.body.id);

    await inbox.waitFor('message_status_updated', (p) => p.messageId === sent.body.id && p.status === 'sent');
    const requests = graphSends().slice(before);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      path: `/v21.0/${PHONE_A}/messages`,
      body: { messaging_product: 'whatsapp', recipient_type: 'individual', to: contact, type: 'text', text: { body: 'Hi Kerry, it ships today.' } },
    });
    expect(requests[0]!.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    const out = graph.sentMessages().find((m) => m.text === 'Hi Kerry, it ships today.')!;
    expect((await thread(conv.id)).find((m) => m.id === sent.body.id)).toMatchObject({ status: 'sent', externalId: out.id, error: null });

    for (const status of ['delivered', 'read'] as const) {
      expect((await deliver(webhookFor(PHONE_A, cloudStatus({ id: out.id, status, recipient: contact })))).body.statuses).toBe(1);
      expect((await thread(conv.id)).find((m) => m.id === sent.body.id)?.status).toBe(status);
      await inbox.waitFor('message_status_updated', (p) => p.messageId === sent.body.id && p.status === status);
    }
    // Taking over pauses the bot for this conversation and assigns it to the agent.
    expect(await conversationOf(botA.id, contact)).toMatchObject({ botPaused: true, assigneeId: owner.userId, lastMessage: { body: 'Hi Kerry, it ships today.', direction: 'out' } });
    await expectReadableWhenPushed();
  });

  it('retries a transient Graph failure and sends the message once', async () => {
    const conv = (await conversationOf(botA.id, '16315551183'))!;
    graph.failNext(1, 500);
    const sent = await owner.client.json<ChatMessage>('POST', `/api/v1/conversations/${conv.id}/messages`, { text: 'Sorry for the wait.' });
    expect(sent.status).toBe(201);
    await inbox.waitFor('message_status_updated', (p) => p.messageId === sent.body.id && p.status === 'sent', 8_000);
    const attempts = graphSends().filter((r) => (r.body as { text?: { body?: string } }).text?.body === 'Sorry for the wait.');
    expect(attempts).toHaveLength(2);
    expect(graph.sentMessages().filter((m) => m.text === 'Sorry for the wait.')).toHaveLength(1);
    const stored = (await thread(conv.id)).find((m) => m.id === sent.body.id)!;
    expect(stored).toMatchObject({ status: 'sent', externalId: graph.sentMessages().find((m) => m.text === 'Sorry for the wait.')!.id, error: null });
    expect(inbox.of('message_status_updated').filter((p) => p.messageId === sent.body.id).map((p) => p.status)).toEqual(['sent']);
  });

  it('fails a message Graph refuses for good with the reason, and sends it again on retry', async () => {
    const conv = (await conversationOf(botA.id, '16315551182'))!;
    graph.failNext(1, 400, { code: 131030, message: '(#131030) Recipient phone number not in allowed list' });
    const sent = await owner.client.json<ChatMessage>('POST', `/api/v1/conversations/${conv.id}/messages`, { text: 'We will replace it.' });
    expect(sent.status).toBe(201);
    const failure = await inbox.waitFor('message_status_updated', (p) => p.messageId === sent.body.id && p.status === 'failed', 5_000);
    expect(failure.error).toBe('Not sent: (#131030) Recipient phone number not in allowed list');
    const isThis = (r: { body: unknown }) => (r.body as { text?: { body?: string } }).text?.body === 'We will replace it.';
    // Not transient: tried once, not retried.
    expect(graphSends().filter(isThis)).toHaveLength(1);
    expect((await thread(conv.id)).find((m) => m.id === sent.body.id)).toMatchObject({ status: 'failed', externalId: null, error: failure.error });
    expect(graph.sentMessages().filter((m) => m.text === 'We will replace it.')).toEqual([]);
    // Settle the reads taken at "failed" before the retry makes the row pending again.
    await expectReadableWhenPushed();

    const retried = await owner.client.json<ChatMessage>('POST', `/api/v1/conversations/${conv.id}/messages/${sent.body.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: sent.body.id, status: 'pending', error: null });
    await inbox.waitFor('message_status_updated', (p) => p.messageId === sent.body.id && p.status === 'sent', 5_000);
    const out = graph.sentMessages().filter((m) => m.text === 'We will replace it.');
    expect(out).toHaveLength(1);
    expect((await thread(conv.id)).find((m) => m.id === sent.body.id)).toMatchObject({ status: 'sent', externalId: out[0]!.id, error: null });
    expect(inbox.of('message_status_updated').filter((p) => p.messageId === sent.body.id).map((p) => p.status)).toEqual(['failed', 'pending', 'sent']);
    // Only a failed message can be sent again.
    expect((await owner.client.json<ErrorBody>('POST', `/api/v1/conversations/${conv.id}/messages/${sent.body.id}/retry`)).status).toBe(409);

    // Graph quoting the token back in its error: the reason the agent sees is scrubbed.
    graph.failNext(1, 400, { code: 190, message: `Invalid OAuth access token - Cannot parse access token: ${ACCESS_TOKEN}` });
    const echoed = await owner.client.json<ChatMessage>('POST', `/api/v1/conversations/${conv.id}/messages`, { text: 'One more thing.' });
    const scrubbed = await inbox.waitFor('message_status_updated', (p) => p.messageId === echoed.body.id && p.status === 'failed', 5_000);
    expect(scrubbed.error).toBe('Not sent: Invalid OAuth access token - Cannot parse access token: [redacted]');
    await expectReadableWhenPushed();
  });

  it('applies receipts that reach the webhook before Graph has answered the send', async () => {
    const contact = '16315551183';
    const conv = (await conversationOf(botA.id, contact))!;
    const race = async (text: string, receipts: { status: 'sent' | 'delivered' | 'read' | 'failed'; error?: { code: number; title: string } }[]) => {
      graph.delayReplyNext(1, 1_000);
      const sent = await owner.client.json<ChatMessage>('POST', `/api/v1/conversations/${conv.id}/messages`, { text });
      expect(sent.status).toBe(201);
      // Meta has the message (and its id) while Parley still waits for the API's answer.
      await vi.waitFor(() => expect(graph.sentMessages().some((m) => m.text === text)).toBe(true), { timeout: 5_000, interval: 10 });
      const out = graph.sentMessages().find((m) => m.text === text)!;
      for (const r of receipts) {
        const ack = await deliver(webhookFor(PHONE_A, cloudStatus({ id: out.id, status: r.status, recipient: contact, ...(r.error ? { error: r.error } : {}) })));
        expect(ack.status).toBe(200);
      }
      expect((await thread(conv.id)).find((m) => m.id === sent.body.id)).toMatchObject({ status: 'pending', externalId: null });
      return { messageId: sent.body.id, externalId: out.id };
    };

    const read = await race('Early receipts, please.', [{ status: 'sent' }, { status: 'delivered' }, { status: 'read' }]);
    await inbox.waitFor('message_status_updated', (p) => p.messageId === read.messageId && p.status === 'read', 5_000);
    expect((await thread(conv.id)).find((m) => m.id === read.messageId)).toMatchObject({ status: 'read', externalId: read.externalId });

    // The one that matters most: a failure the agent must not miss.
    const failed = await race('This one will bounce.', [{ status: 'failed', error: { code: 131026, title: 'Message undeliverable' } }]);
    await inbox.waitFor('message_status_updated', (p) => p.messageId === failed.messageId && p.status === 'failed', 5_000);
    expect((await thread(conv.id)).find((m) => m.id === failed.messageId)).toMatchObject({ status: 'failed', error: 'Message undeliverable' });
    await expectReadableWhenPushed();
  });

  it('disconnecting forgets the credentials: its deliveries are ignored and replies refused', async () => {
    const conv = (await conversationOf(botA.id, '16315551181'))!;
    const off = await owner.client.json<BotBody>('DELETE', `/api/v1/bots/${botA.id}/cloud-api`);
    expect(off.body).toMatchObject({ status: 'DISCONNECTED', phoneNumber: null });
    await inbox.waitFor('bot_status_update', (p) => p.botId === botA.id && p.status === 'DISCONNECTED');

    const id = wamid();
    expect(await deliver(webhookFor(PHONE_A, cloudTextMessage({ from: '16315551181', id, text: 'still there?' })))).toMatchObject({ status: 200, body: { ignored: 1 } });
    expect((await thread(conv.id)).some((m) => m.externalId === id)).toBe(false);
    const refused = await owner.client.json<ErrorBody>('POST', `/api/v1/conversations/${conv.id}/messages`, { text: 'hello?' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('conflict');
    // Bot B, on the same Meta app, keeps working.
    const other = wamid();
    expect((await deliver(webhookFor(PHONE_B, cloudTextMessage({ from: '4915112345601', id: other, text: 'Noch da?' })))).body.received).toBe(1);
    await inbox.waitFor('new_message', (p) => (p.message as ChatMessage).externalId === other);
    await expectReadableWhenPushed();
  });

  it('never reveals the access token, app secret or verify token: not in responses, socket events or server output', async () => {
    // A few more reads that show a linked bot, so each view of it is in the transcript.
    for (const path of ['/api/v1/bots', `/api/v1/bots/${botB.id}`, `/api/v1/bots/${botB.id}/events`, `/api/v1/whatsapp/session-status/${botB.id}`]) {
      expect((await owner.client.request('GET', path)).status).toBe(200);
    }
    const pushed = [...inbox.events, ...outsiderInbox.events].map((e) => `${e.event} ${JSON.stringify(e.payload)}`);
    // The transcript is real: it holds the webhook acks, the bots and the threads.
    expect(transcript.length).toBeGreaterThan(100);
    expect(transcript.join('\n')).toContain('Our prices start at $10.');
    expect(server.output()).toContain('"path":"/api/whatsapp/webhook"');
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect({ name, inResponses: transcript.some((t) => t.includes(secret)) }).toEqual({ name, inResponses: false });
      expect({ name, inEvents: pushed.some((e) => e.includes(secret)) }).toEqual({ name, inEvents: false });
      expect({ name, inOutput: server.output().includes(secret) }).toEqual({ name, inOutput: false });
    }

    // At rest too (PostgreSQL runs can look): sealed, not stored as given.
    if (database) {
      const db = new pg.Client({ connectionString: database.url });
      await db.connect();
      try {
        const { rows } = await db.query<{ row: string }>('select row_to_json(a)::text as row from cloud_api_accounts a');
        expect(rows).toHaveLength(1);
        for (const [name, secret] of Object.entries(SECRETS)) expect({ name, stored: rows[0]!.row.includes(secret) }).toEqual({ name, stored: false });
      } finally {
        await db.end();
      }
    }

    // The other workspace heard nothing of these conversations.
    expect(outsiderInbox.events.filter((e) => ['new_message', 'conversation_updated', 'message_status_updated'].includes(e.event))).toEqual([]);
  });
});
