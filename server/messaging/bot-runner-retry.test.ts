import { asc, eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, setDbHandle, type DbHandle } from '@/lib/db';
import { migrateDb } from '@/lib/db/migrate';
import { bots, conversations, messages, workspaces } from '@/lib/db/schema';
import { installMessagingControl, type IngestedMessage } from '@/lib/messaging/messaging-control';
import { ingestInbound } from '@/lib/services/conversations/ingest-inbound';
import { setupTestEnv } from '@/test/setup-env';
import { createPostgresDatabase, shouldRunPostgres, type TestDatabase } from '@/test/test-db';
import { BotRunner } from './bot-runner';

// The bot engine when PostgreSQL's pool runs dry after a message was stored (a burst): the
// replies come late, once a connection is free, instead of never. A pool of one connection that
// waits 100 ms for it, held by another transaction, stands in for a busy pool.

setupTestEnv();

describe.runIf(await shouldRunPostgres())('BotRunner with an exhausted PostgreSQL pool', () => {
  let database: TestDatabase;
  let handle: DbHandle;
  const batches: IngestedMessage[][] = [];
  const warnings: string[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line).msg) });
  let bot = { id: '', workspaceId: '' };
  let n = 0;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    handle = await openDb({ databaseUrl: database.url, pool: { max: 1, connectionTimeoutMillis: 100 } });
    await migrateDb(handle);
    setDbHandle(handle);
    installMessagingControl({ enqueue: () => {}, afterInbound: (items) => void batches.push([...items]), applyReceipt: async () => false });
    const [w] = await handle.db.insert(workspaces).values({ name: 'Busy' }).returning();
    const settings = { welcomeMessage: 'Welcome!', fallbackReply: 'Sorry?', autoReplies: [] };
    const [b] = await handle.db.insert(bots).values({ workspaceId: w!.id, name: 'Busy bot', status: 'CONNECTED', settings }).returning();
    bot = { id: b!.id, workspaceId: w!.id };
  }, 60_000);
  afterAll(async () => {
    installMessagingControl(undefined);
    await handle?.close();
    await database?.drop();
  });

  /** Stores one message from `from`, then runs the bot on it while the only connection is held for `holdMs`. */
  async function answerWhileBusy(from: string, holdMs: number, runner: BotRunner) {
    batches.length = 0;
    await ingestInbound({ bot, messages: [{ externalId: `wamid.busy.${++n}`, from, type: 'text', body: 'hello', sentAt: new Date() }] });
    const item = batches[0]![0]!;
    let held!: () => void;
    const holding = new Promise<void>((r) => (held = r));
    const hold = handle.db.transaction(async () => {
      held();
      await new Promise((r) => setTimeout(r, holdMs));
    });
    await holding;
    runner.handle([item]);
    await hold;
    await runner.idle(item.conversation.id);
    const rows = await handle.db.select().from(messages).where(eq(messages.conversationId, item.conversation.id)).orderBy(asc(messages.seq));
    return rows.map((m) => `${m.author}: ${m.body}`);
  }

  it('retries while no connection is free, then replies exactly once', async () => {
    warnings.length = 0;
    const runner = new BotRunner({ log, retryDelaysMs: [100, 200, 400, 800, 1_600] });
    expect(await answerWhileBusy('15553330000', 700, runner)).toEqual(['contact: hello', 'bot: Welcome!']);
    // It did have to wait: at least one attempt found the pool empty.
    expect(warnings.some((m) => m.includes('database unreachable'))).toBe(true);
    const [conv] = await handle.db.select().from(conversations).where(eq(conversations.contactPhone, '15553330000'));
    expect(conv).toMatchObject({ lastMessageBody: 'Welcome!', lastMessageAuthor: 'bot' });
  });

  it('gives up after its last attempt and says so; the stored message stays', async () => {
    warnings.length = 0;
    const runner = new BotRunner({ log, retryDelaysMs: [50] });
    expect(await answerWhileBusy('15553330001', 700, runner)).toEqual(['contact: hello']);
    expect(warnings).toContain('bot engine failed on a message');
  });
});
