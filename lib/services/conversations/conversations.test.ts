import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '@/lib/auth/principal';
import { type DbHandle, setDbHandle } from '@/lib/db';
import { bots, conversations, memberships, messages, users, workspaces } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { installMessagingControl, type IngestedMessage } from '@/lib/messaging/messaging-control';
import { installRealtime } from '@/lib/realtime/publish';
import { listConversationsQuery } from '@/lib/validation/conversation';
import { recordingRealtime, type RecordedEvent } from '@/test/recording-realtime';
import { setupTestEnv } from '@/test/setup-env';
import { openTestDb, testDrivers } from '@/test/test-db';
import { applyMessageStatus } from './apply-message-status';
import { getUnreadSummary } from './get-unread-summary';
import { ingestInbound, type InboundInput } from './ingest-inbound';
import { listConversations } from './list-conversations';
import { listMessages } from './list-messages';
import { markConversationRead } from './mark-conversation-read';
import { retryMessage } from './retry-message';
import { sendAgentMessage } from './send-agent-message';
import { updateConversation } from './update-conversation';

setupTestEnv();
const drivers = await testDrivers();

let n = 0;
const inbound = (from: string, body: string, extra: Partial<InboundInput> = {}): InboundInput => ({
  externalId: `wamid.${++n}.${Math.random().toString(36).slice(2)}`,
  from,
  type: 'text',
  body,
  sentAt: new Date(),
  ...extra,
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  return 'ok';
}

describe.each(drivers)('conversations on %s', (driver) => {
  let handle: DbHandle;
  let cleanup: () => Promise<void>;
  const events: RecordedEvent[] = [];
  const enqueued: string[] = [];
  const afterInbound: IngestedMessage[] = [];
  let ws = '';
  let otherWs = '';
  let bot = { id: '', workspaceId: '' };
  let ada: Principal;
  let grace: Principal;
  let mallory: Principal;

  beforeAll(async () => {
    ({ handle, cleanup } = await openTestDb(driver));
    setDbHandle(handle);
    installRealtime(recordingRealtime({ events }));
    installMessagingControl({
      enqueue: (ids) => void enqueued.push(...ids),
      afterInbound: (items) => void afterInbound.push(...items),
      applyReceipt: async () => false,
    });
    const db = handle.db;
    const [w1, w2] = await db.insert(workspaces).values([{ name: 'Acme' }, { name: 'Other' }]).returning();
    ws = w1!.id;
    otherWs = w2!.id;
    const [u1, u2, u3] = await db
      .insert(users)
      .values([
        { email: 'ada@example.com', name: 'Ada' },
        { email: 'grace@example.com', name: 'Grace' },
        { email: 'mallory@example.com', name: 'Mallory' },
      ])
      .returning();
    await db.insert(memberships).values([
      { workspaceId: ws, userId: u1!.id, role: 'owner' },
      { workspaceId: ws, userId: u2!.id, role: 'agent' },
      { workspaceId: otherWs, userId: u3!.id, role: 'owner' },
    ]);
    const principal = (userId: string, workspaceId: string, role: 'owner' | 'agent'): Principal => ({
      userId,
      sessionId: userId,
      via: 'cookie',
      memberships: [{ workspaceId, role }],
    });
    ada = principal(u1!.id, ws, 'owner');
    grace = principal(u2!.id, ws, 'agent');
    mallory = principal(u3!.id, otherWs, 'owner');
    const [b] = await db.insert(bots).values({ workspaceId: ws, name: 'Support', status: 'CONNECTED' }).returning();
    bot = { id: b!.id, workspaceId: ws };
  });
  afterAll(async () => {
    installRealtime(undefined);
    installMessagingControl(undefined);
    await cleanup();
  });
  beforeEach(() => {
    events.length = 0;
    enqueued.length = 0;
    afterInbound.length = 0;
  });

  const query = (q: Record<string, unknown> = {}) => listConversationsQuery.parse(q);

  it('stores an inbound message with its conversation, then publishes new_message and conversation_updated to the workspace', async () => {
    const msg = inbound('15550001111', 'Hello there', { contactName: 'Linus' });
    expect(await ingestInbound({ bot, messages: [msg] })).toEqual({ created: 1, duplicates: 0 });
    const [conv] = await handle.db.select().from(conversations).where(eq(conversations.contactPhone, '15550001111'));
    expect(conv).toMatchObject({ workspaceId: ws, contactName: 'Linus', unreadCount: 1, lastMessageBody: 'Hello there', lastMessageDirection: 'in', status: 'open' });
    expect(events.map((e) => [e.rooms, e.event])).toEqual([
      [`workspace:${ws}`, 'new_message'],
      [`workspace:${ws}`, 'conversation_updated'],
    ]);
    expect(events[0]!.payload.message).toMatchObject({ body: 'Hello there', direction: 'in', author: 'contact', externalId: msg.externalId });
    expect(events[1]!.payload).toMatchObject({ conversationId: conv!.id, unreadCount: 1, botPaused: false, contactPhone: '15550001111' });
    // The bot engine hears about it once, as the contact's first message.
    expect(afterInbound).toHaveLength(1);
    expect(afterInbound[0]!.isFirstMessage).toBe(true);
  });

  it('10 deliveries of the same message (one batch and ten separate calls) store it once and publish once', async () => {
    const msg = inbound('15550002222', 'only once');
    const results = await Promise.all(Array.from({ length: 10 }, () => ingestInbound({ bot, messages: [msg] })));
    expect(results.reduce((s, r) => s + r.created, 0)).toBe(1);
    expect(await ingestInbound({ bot, messages: Array(10).fill(msg) })).toEqual({ created: 0, duplicates: 10 });
    const stored = await handle.db.select().from(messages).where(eq(messages.externalId, msg.externalId));
    expect(stored).toHaveLength(1);
    const [conv] = await handle.db.select().from(conversations).where(eq(conversations.contactPhone, '15550002222'));
    expect(conv!.unreadCount).toBe(1);
    expect(events.filter((e) => e.event === 'new_message')).toHaveLength(1);
    expect(afterInbound).toHaveLength(1);
  });

  it('a second message is not the first; media keeps its type and caption; a resolved conversation reopens', async () => {
    await ingestInbound({ bot, messages: [inbound('15550003333', 'one')] });
    const [conv] = await handle.db.select().from(conversations).where(eq(conversations.contactPhone, '15550003333'));
    await updateConversation({ principal: ada, conversationId: conv!.id, input: { status: 'resolved' } });
    afterInbound.length = 0;
    await ingestInbound({ bot, messages: [inbound('15550003333', '', { type: 'image' }), inbound('15550003333', 'see photo', { type: 'image' })] });
    expect(afterInbound.map((a) => a.isFirstMessage)).toEqual([false, false]);
    const [after] = await handle.db.select().from(conversations).where(eq(conversations.id, conv!.id));
    expect(after).toMatchObject({ status: 'open', unreadCount: 3, lastMessageBody: 'see photo' });
    const page = await listMessages({ principal: ada, conversationId: conv!.id, query: { limit: 50 } });
    expect(page.messages.map((m) => [m.type, m.body])).toEqual([
      ['text', 'one'],
      ['image', ''],
      ['image', 'see photo'],
    ]);
  });

  it('pages conversations newest first with a stable keyset cursor while new ones arrive', async () => {
    const phones = Array.from({ length: 12 }, (_, i) => `1555100${String(i).padStart(4, '0')}`);
    for (const p of phones) await ingestInbound({ bot, messages: [inbound(p, `hi from ${p}`)] });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listConversations({ principal: ada, query: query({ limit: 5, cursor }) });
      seen.push(...page.conversations.map((c) => c.contactPhone));
      cursor = page.nextCursor ?? undefined;
      // New conversations arrive between page loads: they sort before the cursor, never into later pages.
      await ingestInbound({ bot, messages: [inbound(`1555200${String(pages).padStart(4, '0')}`, 'new')] });
      pages++;
    } while (cursor && pages < 20);
    expect(new Set(seen).size).toBe(seen.length);
    // Every conversation that existed before the first page is in the walk, in order.
    const ours = seen.filter((p) => phones.includes(p));
    expect(ours).toEqual([...phones].reverse());
  });

  it('filters by status, assignee and bot, and searches name, phone and message text', async () => {
    await ingestInbound({ bot, messages: [inbound('15550004444', 'my order #A-77 is late', { contactName: 'Margaret' })] });
    const [conv] = await handle.db.select().from(conversations).where(eq(conversations.contactPhone, '15550004444'));
    const phones = async (q: Record<string, unknown>, who = ada) => (await listConversations({ principal: who, query: query(q) })).conversations.map((c) => c.contactPhone);
    expect(await phones({ q: 'margaret' })).toEqual(['15550004444']);
    expect(await phones({ q: '0004444' })).toEqual(['15550004444']);
    expect(await phones({ q: 'A-77' })).toEqual(['15550004444']);
    expect(await phones({ q: 'zz%_' })).toEqual([]); // LIKE wildcards are literal
    await updateConversation({ principal: ada, conversationId: conv!.id, input: { assigneeId: grace.userId } });
    expect(await phones({ assignee: 'me' }, grace)).toEqual(['15550004444']);
    expect(await phones({ assignee: 'me' }, ada)).toEqual([]);
    expect(await phones({ assignee: 'unassigned', q: 'margaret' })).toEqual([]);
    expect(await phones({ botId: bot.id, q: 'margaret' })).toEqual(['15550004444']);
    expect(await phones({ botId: '00000000-0000-4000-8000-000000000000', q: 'margaret' })).toEqual([]);
    await updateConversation({ principal: grace, conversationId: conv!.id, input: { status: 'resolved' } });
    expect(await phones({ q: 'margaret' })).toEqual([]);
    expect(await phones({ q: 'margaret', status: 'resolved' })).toEqual(['15550004444']);
    expect(await phones({ q: 'margaret', status: 'all' })).toEqual(['15550004444']);
    await expect(listConversations({ principal: ada, query: query({ cursor: 'garbage' }) })).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('another workspace sees nothing: lists are empty and every conversation call is a 404', async () => {
    await ingestInbound({ bot, messages: [inbound('15550005555', 'secret')] });
    const [conv] = await handle.db.select().from(conversations).where(eq(conversations.contactPhone, '15550005555'));
    expect((await listConversations({ principal: mallory, query: query({ status: 'all' }) })).conversations).toEqual([]);
    expect(await getUnreadSummary({ principal: mallory })).toEqual({ total: 0, conversations: {} });
    const id = conv!.id;
    expect(await codeOf(listMessages({ principal: mallory, conversationId: id, query: { limit: 10 } }))).toBe('not_found');
    expect(await codeOf(markConversationRead({ principal: mallory, conversationId: id }))).toBe('not_found');
    expect(await codeOf(updateConversation({ principal: mallory, conversationId: id, input: { botPaused: true } }))).toBe('not_found');
    expect(await codeOf(sendAgentMessage({ principal: mallory, conversationId: id, text: 'hi' }))).toBe('not_found');
    // Nor can a conversation be assigned to someone outside its workspace.
    expect(await codeOf(updateConversation({ principal: ada, conversationId: id, input: { assigneeId: mallory.userId } }))).toBe('validation_failed');
    const [unchanged] = await handle.db.select().from(conversations).where(eq(conversations.id, id));
    expect(unchanged).toMatchObject({ botPaused: false, assigneeId: null, unreadCount: 1 });
  });

  it('marks read for everyone: unread goes to 0 and the workspace is told once', async () => {
    await ingestInbound({ bot, messages: [inbound('15550006666', 'a'), inbound('15550006666', 'b')] });
    const [conv] = await handle.db.select().from(conversations).where(eq(conversations.contactPhone, '15550006666'));
    expect((await getUnreadSummary({ principal: grace })).conversations[conv!.id]).toBe(2);
    events.length = 0;
    expect((await markConversationRead({ principal: grace, conversationId: conv!.id })).unreadCount).toBe(0);
    await markConversationRead({ principal: ada, conversationId: conv!.id });
    expect(events.filter((e) => e.event === 'conversation_updated').map((e) => e.payload.unreadCount)).toEqual([0]);
    expect((await getUnreadSummary({ principal: ada })).conversations[conv!.id]).toBeUndefined();
  });

  it('an agent reply is stored pending, queued, pauses the bot, assigns the agent; receipts move it forward only', async () => {
    await ingestInbound({ bot, messages: [inbound('15550007777', 'help')] });
    const [conv] = await handle.db.select().from(conversations).where(eq(conversations.contactPhone, '15550007777'));
    await handle.db.update(conversations).set({ needsHuman: true }).where(eq(conversations.id, conv!.id));
    events.length = 0;
    const msg = await sendAgentMessage({ principal: grace, conversationId: conv!.id, text: 'On it!' });
    expect(msg).toMatchObject({ status: 'pending', author: 'agent', authorUserId: grace.userId, direction: 'out', body: 'On it!' });
    expect(enqueued).toEqual([msg.id]);
    expect(events.map((e) => e.event)).toEqual(['new_message', 'conversation_updated']);
    expect(events[1]!.payload).toMatchObject({ botPaused: true, needsHuman: false, assigneeId: grace.userId, lastMessage: expect.objectContaining({ body: 'On it!', direction: 'out' }) });

    await handle.db.update(messages).set({ status: 'sent', externalId: 'wamid.out-1' }).where(eq(messages.id, msg.id));
    events.length = 0;
    expect(await applyMessageStatus({ botId: bot.id, externalId: 'wamid.out-1', status: 'read' })).toBe(true);
    // Late and duplicate receipts never move it back.
    expect(await applyMessageStatus({ botId: bot.id, externalId: 'wamid.out-1', status: 'delivered' })).toBe(false);
    expect(await applyMessageStatus({ botId: bot.id, externalId: 'wamid.out-1', status: 'failed' })).toBe(false);
    expect(await applyMessageStatus({ botId: bot.id, externalId: 'wamid.unknown', status: 'read' })).toBe(false);
    expect(events.map((e) => [e.event, e.payload.status])).toEqual([['message_status_updated', 'read']]);
    const [stored] = await handle.db.select().from(messages).where(eq(messages.id, msg.id));
    expect(stored!.status).toBe('read');
  });

  it('refuses to send when the bot is not connected, and stores nothing', async () => {
    const [offline] = await handle.db.insert(bots).values({ workspaceId: ws, name: 'Sleepy', status: 'DISCONNECTED' }).returning();
    await ingestInbound({ bot: { id: offline!.id, workspaceId: ws }, messages: [inbound('15550008888', 'anyone?')] });
    const [conv] = await handle.db.select().from(conversations).where(eq(conversations.botId, offline!.id));
    await expect(sendAgentMessage({ principal: ada, conversationId: conv!.id, text: 'hello' })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/Sleepy is not connected/) });
    expect(await handle.db.select().from(messages).where(eq(messages.direction, 'out')).then((r) => r.filter((m) => m.conversationId === conv!.id))).toEqual([]);
    expect(enqueued).toEqual([]);
  });

  it('retries only a failed message: back to pending, queued again', async () => {
    await ingestInbound({ bot, messages: [inbound('15550009999', 'x')] });
    const [conv] = await handle.db.select().from(conversations).where(eq(conversations.contactPhone, '15550009999'));
    const msg = await sendAgentMessage({ principal: ada, conversationId: conv!.id, text: 'will fail' });
    expect(await codeOf(retryMessage({ principal: ada, conversationId: conv!.id, messageId: msg.id }))).toBe('conflict');
    await handle.db.update(messages).set({ status: 'failed', error: 'Not sent: boom', attempts: 4 }).where(eq(messages.id, msg.id));
    enqueued.length = 0;
    const again = await retryMessage({ principal: ada, conversationId: conv!.id, messageId: msg.id });
    expect(again).toMatchObject({ status: 'pending', error: null });
    expect(enqueued).toEqual([msg.id]);
    expect(await codeOf(retryMessage({ principal: mallory, conversationId: conv!.id, messageId: msg.id }))).toBe('not_found');
  });

  it('pages a thread backwards by sequence, stable while new messages arrive', async () => {
    const texts = Array.from({ length: 25 }, (_, i) => `m${i}`);
    for (const t of texts) await ingestInbound({ bot, messages: [inbound('15550010000', t)] });
    const [conv] = await handle.db.select().from(conversations).where(eq(conversations.contactPhone, '15550010000'));
    const first = await listMessages({ principal: ada, conversationId: conv!.id, query: { limit: 10 } });
    expect(first.messages.map((m) => m.body)).toEqual(texts.slice(15));
    await ingestInbound({ bot, messages: [inbound('15550010000', 'newest')] });
    const second = await listMessages({ principal: ada, conversationId: conv!.id, query: { limit: 10, before: first.nextBefore! } });
    expect(second.messages.map((m) => m.body)).toEqual(texts.slice(5, 15));
    const third = await listMessages({ principal: ada, conversationId: conv!.id, query: { limit: 10, before: second.nextBefore! } });
    expect(third.messages.map((m) => m.body)).toEqual(texts.slice(0, 5));
    expect(third.nextBefore).toBeNull();
  });
});
