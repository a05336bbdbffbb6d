import { asc, eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DbHandle, setDbHandle } from '@/lib/db';
import { bots, conversations, messages, workspaces } from '@/lib/db/schema';
import { installMessagingControl, type IngestedMessage } from '@/lib/messaging/messaging-control';
import { ingestInbound, type InboundInput } from '@/lib/services/conversations/ingest-inbound';
import { setupTestEnv } from '@/test/setup-env';
import { openTestDb } from '@/test/test-db';
import { BotRunner } from './bot-runner';

// The bot engine on a batch of stored messages (group commit hands it a whole batch at once).

setupTestEnv();

describe('BotRunner on a batch', () => {
  let handle: DbHandle;
  let cleanup: () => Promise<void>;
  const runner = new BotRunner({ log: pino({ level: 'silent' }), now: () => new Date('2026-12-01T12:00:00Z') });
  const batches: IngestedMessage[][] = [];
  let bot = { id: '', workspaceId: '' };
  let n = 0;
  const inbound = (from: string, body: string): InboundInput => ({ externalId: `wamid.runner.${++n}`, from, type: 'text', body, sentAt: new Date() });

  beforeAll(async () => {
    ({ handle, cleanup } = await openTestDb('pglite'));
    setDbHandle(handle);
    // Capture instead of running, so each test hands the runner exactly one stored batch.
    installMessagingControl({ enqueue: () => {}, afterInbound: (items) => void batches.push([...items]), applyReceipt: async () => false });
    const [w] = await handle.db.insert(workspaces).values({ name: 'Runner' }).returning();
    const settings = { welcomeMessage: 'Welcome!', fallbackReply: 'Sorry?', handoffKeyword: 'human', autoReplies: [] };
    const [b] = await handle.db.insert(bots).values({ workspaceId: w!.id, name: 'Runner bot', status: 'CONNECTED', settings }).returning();
    bot = { id: b!.id, workspaceId: w!.id };
  });
  afterAll(async () => {
    installMessagingControl(undefined);
    await cleanup();
  });

  async function run(list: InboundInput[]) {
    batches.length = 0;
    await Promise.all(list.map((m) => ingestInbound({ bot, messages: [m] })));
    expect(batches).toHaveLength(1); // one batch, as the webhook's group commit delivers it
    runner.handle(batches[0]!);
    const ids = [...new Set(batches[0]!.map((i) => i.conversation.id))];
    await Promise.all(ids.map((id) => runner.idle(id)));
  }

  const thread = async (phone: string) => {
    const [conv] = await handle.db.select().from(conversations).where(eq(conversations.contactPhone, phone));
    const rows = await handle.db.select().from(messages).where(eq(messages.conversationId, conv!.id)).orderBy(asc(messages.seq));
    return { conv: conv!, lines: rows.map((m) => `${m.author}: ${m.body}`) };
  };

  it('answers each message of a conversation in order, and a handoff in the batch silences the messages after it', async () => {
    await run([inbound('15552220000', 'hi'), inbound('15552220000', 'what?'), inbound('15552220000', 'a human please'), inbound('15552220000', 'hello?'), inbound('15552220001', 'hey')]);
    const first = await thread('15552220000');
    // Contact messages come first (one batch); the bot's replies follow in the order of the messages they answer.
    expect(first.lines).toEqual(['contact: hi', 'contact: what?', 'contact: a human please', 'contact: hello?', 'bot: Welcome!', 'bot: Sorry?']);
    expect(first.conv).toMatchObject({ botPaused: true, needsHuman: true });
    expect((await thread('15552220001')).lines).toEqual(['contact: hey', 'bot: Welcome!']);
  });

  it('a paused conversation gets no replies', async () => {
    await run([inbound('15552220000', 'still there?'), inbound('15552220002', 'first')]);
    expect((await thread('15552220000')).lines.slice(-3)).toEqual(['bot: Welcome!', 'bot: Sorry?', 'contact: still there?']);
    expect((await thread('15552220002')).lines).toEqual(['contact: first', 'bot: Welcome!']);
  });
});
