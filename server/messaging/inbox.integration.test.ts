import { randomBytes } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '@/lib/realtime/events';
import type { ConversationPage, ConversationView, MessagePage, UnreadSummary } from '@/lib/services/conversations/views';
import { type Account, dialOk, signUpAccount } from '@/test/http-client';
import { recordEvents } from '@/test/socket-events';
import { type RunningServer, startServer } from '@/test/spawn-server';

// The inbox end to end on the production server with the simulated phone: a contact writes,
// the message is stored and pushed, the bot engine answers through the send queue and the
// phone receives it; the handoff keyword stops the bot; an agent takes over; a restart keeps all.

const ENV = {
  WHATSAPP_ENGINE: 'simulator',
  SIMULATOR_QR_FIRST_MS: '8000',
  SIMULATOR_RESTART_MS: '20',
  SEND_MIN_INTERVAL_MS: '200',
  APP_SECRET: randomBytes(32).toString('hex'),
};

const SETTINGS = {
  welcomeMessage: 'Welcome to Acme!',
  autoReplies: [
    { pattern: 'price', reply: 'Our prices start at $10.', match: 'contains' },
    { pattern: 'hours', reply: 'We are open 9 to 5.', match: 'exact' },
  ],
  fallbackReply: 'Sorry, I did not get that. Type "agent" for a person.',
  handoffKeyword: 'agent',
};

let server: RunningServer;
let owner: Account;
let outsider: Account;
let botId = '';
const sockets: Socket[] = [];

type Outbox = { received: { to: string; text: string; id: string }[] };

const contactSays = (from: string, text: string, name?: string) =>
  owner.client.json<{ externalId: string }>('POST', `/api/dev/simulator/bots/${botId}/messages`, { from, text, name });
const received = async (to: string) =>
  (await owner.client.json<Outbox>('GET', `/api/dev/simulator/bots/${botId}/messages`)).body.received.filter((m) => m.to === to).map((m) => m.text);
const conversationOf = async (phone: string) => {
  const { body } = await owner.client.json<ConversationPage>('GET', `/api/v1/conversations?status=all&q=${phone}`);
  return body.conversations.find((c) => c.contactPhone === phone);
};
const thread = async (id: string) => (await owner.client.json<MessagePage>('GET', `/api/v1/conversations/${id}/messages`)).body.messages;

beforeAll(async () => {
  server = await startServer({ mode: 'production', env: ENV });
  owner = await signUpAccount(server.url, 'owner@example.com', 'Olive Owner');
  outsider = await signUpAccount(server.url, 'outsider@example.com', 'Oscar Outsider');
  const created = await owner.client.json<{ id: string }>('POST', '/api/v1/bots', { name: 'Acme Support', settings: SETTINGS });
  expect(created.status).toBe(201);
  botId = created.body.id;
  expect((await owner.client.json('POST', `/api/v1/bots/${botId}/connect`, { method: 'qr' })).status).toBe(202);
  await vi.waitFor(async () => expect((await owner.client.json('POST', `/api/dev/simulator/bots/${botId}/scan`, {})).status).toBe(200), {
    timeout: 10_000,
    interval: 100,
  });
  await vi.waitFor(async () => expect((await owner.client.json<{ status: string }>('GET', `/api/v1/bots/${botId}`)).body.status).toBe('CONNECTED'), {
    timeout: 10_000,
    interval: 50,
  });
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.stop();
});

describe('inbox on the real server', () => {
  it('a contact message is stored, pushed to the workspace, and the bot welcomes and answers through the phone', async () => {
    const { socket } = await dialOk(server.url, { cookie: owner.client.cookie });
    sockets.push(socket);
    const got = recordEvents(socket);
    const { socket: spy } = await dialOk(server.url, { cookie: outsider.client.cookie });
    sockets.push(spy);
    const spyGot = recordEvents(spy);

    expect((await contactSays('15550001000', 'What is the price?', 'Linus')).status).toBe(202);
    const pushed = await got.waitFor('new_message', (p) => (p.message as ChatMessage).author === 'contact', 5_000);
    expect(pushed.message).toMatchObject({ body: 'What is the price?', direction: 'in', type: 'text' });
    await got.waitFor('conversation_updated', (p) => p.contactPhone === '15550001000' && p.contactName === 'Linus');

    // Welcome first (first message), then the matching rule — no fallback on top.
    await vi.waitFor(async () => expect(await received('15550001000')).toEqual(['Welcome to Acme!', 'Our prices start at $10.']), { timeout: 8_000, interval: 100 });
    const conv = (await conversationOf('15550001000'))!;
    expect(conv).toMatchObject({ contactName: 'Linus', unreadCount: 1, botPaused: false, lastMessage: { body: 'Our prices start at $10.', direction: 'out' } });
    // Receipts move the bot's messages to delivered, pushed as status updates.
    await vi.waitFor(async () => expect((await thread(conv.id)).map((m) => [m.author, m.status])).toEqual([
      ['contact', 'delivered'],
      ['bot', 'delivered'],
      ['bot', 'delivered'],
    ]), { timeout: 5_000, interval: 50 });
    expect(got.of('message_status_updated').map((p) => p.status)).toEqual(expect.arrayContaining(['sent', 'delivered']));
    // The dashboard counts messages in and out over 24 h.
    const list = await owner.client.json<{ bots: { id: string; messagesToday?: number }[] }>('GET', '/api/v1/bots');
    expect(list.body.bots.find((b) => b.id === botId)?.messagesToday).toBe(3);
    // Another workspace heard nothing, and cannot read it.
    expect(spyGot.events.filter((e) => e.event !== 'connected')).toEqual([]);
    expect((await outsider.client.json('GET', `/api/v1/conversations/${conv.id}/messages`)).status).toBe(404);
    expect((await outsider.client.json<ConversationPage>('GET', '/api/v1/conversations?status=all')).body.conversations).toEqual([]);
  });

  it('an exact-match rule answers, and the fallback covers what no rule matches', async () => {
    await contactSays('15550002000', 'hours');
    await vi.waitFor(async () => expect(await received('15550002000')).toEqual(['Welcome to Acme!', 'We are open 9 to 5.']), { timeout: 8_000, interval: 100 });
    await contactSays('15550002000', 'do you ship to Mars?');
    await vi.waitFor(async () => expect((await received('15550002000')).at(-1)).toBe(SETTINGS.fallbackReply), { timeout: 8_000, interval: 100 });
    const conv = (await conversationOf('15550002000'))!;
    const out = (await thread(conv.id)).filter((m) => m.direction === 'out');
    expect(out.map((m) => m.author)).toEqual(['bot', 'bot', 'bot']);
  });

  it('the handoff keyword pauses the bot and flags the conversation; an agent reply reaches the phone; unread clears for everyone', async () => {
    const { socket } = await dialOk(server.url, { cookie: owner.client.cookie });
    sockets.push(socket);
    const got = recordEvents(socket);
    await contactSays('15550003000', 'hi');
    // One greeting for a first "hi", not a greeting plus "Sorry, I did not get that".
    await vi.waitFor(async () => expect(await received('15550003000')).toEqual(['Welcome to Acme!']), { timeout: 8_000, interval: 100 });
    await contactSays('15550003000', 'I want an agent please');
    const flagged = await got.waitFor('conversation_updated', (p) => p.contactPhone === '15550003000' && p.needsHuman === true, 5_000);
    expect(flagged).toMatchObject({ botPaused: true, assigneeId: null });
    // The bot stays quiet from now on.
    await contactSays('15550003000', 'price?');
    await got.waitFor('new_message', (p) => (p.message as ChatMessage).body === 'price?');
    await new Promise((r) => setTimeout(r, 600));
    expect(await received('15550003000')).toEqual(['Welcome to Acme!']);

    const conv = (await conversationOf('15550003000'))!;
    expect((await owner.client.json<UnreadSummary>('GET', '/api/v1/conversations/unread')).body.conversations[conv.id]).toBe(3);
    const sent = await owner.client.json<ChatMessage>('POST', `/api/v1/conversations/${conv.id}/messages`, { text: 'Hi, Olive here. How can I help?' });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ status: 'pending', author: 'agent', authorUserId: owner.userId });
    await vi.waitFor(async () => expect((await received('15550003000')).at(-1)).toBe('Hi, Olive here. How can I help?'), { timeout: 5_000, interval: 50 });
    const after = (await owner.client.json<ConversationView>('GET', `/api/v1/conversations/${conv.id}`)).body;
    expect(after).toMatchObject({ botPaused: true, needsHuman: false, assigneeId: owner.userId });

    const read = await owner.client.json<ConversationView>('POST', `/api/v1/conversations/${conv.id}/read`);
    expect(read.body.unreadCount).toBe(0);
    await got.waitFor('conversation_updated', (p) => p.conversationId === conv.id && p.unreadCount === 0);

    // Resuming hands the conversation back to the bot.
    expect((await owner.client.json('PATCH', `/api/v1/conversations/${conv.id}`, { botPaused: false })).status).toBe(200);
    await contactSays('15550003000', 'price');
    await vi.waitFor(async () => expect((await received('15550003000')).at(-1)).toBe('Our prices start at $10.'), { timeout: 5_000, interval: 50 });
  });

  it('rejects bad input with clear errors and stores nothing', async () => {
    const conv = (await conversationOf('15550001000'))!;
    const cases: [string, string, unknown, number, string][] = [
      ['POST', `/api/v1/conversations/${conv.id}/messages`, { text: '   ' }, 422, 'validation_failed'],
      ['POST', `/api/v1/conversations/${conv.id}/messages`, { text: 'x'.repeat(4097) }, 422, 'validation_failed'],
      ['POST', `/api/v1/conversations/${conv.id}/messages`, '{"text":', 400, 'invalid_json'],
      ['POST', `/api/v1/conversations/${conv.id}/messages`, '{"text":"hi","__proto__":{"admin":true},"extra":1}', 400, 'bad_request'],
      ['PATCH', `/api/v1/conversations/${conv.id}`, { status: 'archived' }, 422, 'validation_failed'],
      ['PATCH', `/api/v1/conversations/${conv.id}`, {}, 422, 'validation_failed'],
      ['PATCH', `/api/v1/conversations/${conv.id}`, { assigneeId: outsider.userId }, 422, 'validation_failed'],
      ['GET', '/api/v1/conversations?limit=0', undefined, 422, 'validation_failed'],
      ['GET', '/api/v1/conversations?cursor=bogus', undefined, 422, 'validation_failed'],
      ['GET', `/api/v1/conversations/${conv.id}/messages?before=abc`, undefined, 422, 'validation_failed'],
      ['GET', '/api/v1/conversations/not-a-uuid', undefined, 404, 'not_found'],
      ['POST', `/api/v1/conversations/${conv.id}/messages/${conv.id}/retry`, undefined, 404, 'not_found'],
    ];
    const before = (await thread(conv.id)).length;
    for (const [method, path, body, status, code] of cases) {
      const res = await owner.client.request(method, path, body);
      expect({ path, body, status: res.status }).toEqual({ path, body, status });
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    expect(await thread(conv.id)).toHaveLength(before);
    expect((await outsider.client.json('POST', `/api/v1/conversations/${conv.id}/messages`, { text: 'hi' })).status).toBe(404);
    expect((await outsider.client.json('PATCH', `/api/v1/conversations/${conv.id}`, { botPaused: true })).status).toBe(404);
  });

  it('a restart keeps conversations, and the restored session keeps answering', async () => {
    const conv = (await conversationOf('15550001000'))!;
    const dataDir = server.dataDir;
    await server.stop();
    server = await startServer({ mode: 'production', env: ENV, dataDir });
    owner.client = Object.assign(Object.create(Object.getPrototypeOf(owner.client)), owner.client, { base: server.url });
    await vi.waitFor(async () => expect((await owner.client.json<{ status: string }>('GET', `/api/v1/bots/${botId}`)).body.status).toBe('CONNECTED'), {
      timeout: 15_000,
      interval: 100,
    });
    expect((await thread(conv.id)).length).toBeGreaterThanOrEqual(3);
    await contactSays('15550001000', 'hours');
    await vi.waitFor(async () => expect((await received('15550001000')).at(-1)).toBe('We are open 9 to 5.'), { timeout: 8_000, interval: 100 });
  });
});
