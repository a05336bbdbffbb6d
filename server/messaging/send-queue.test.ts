import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DbHandle, setDbHandle } from '@/lib/db';
import { bots, conversations, messages, workspaces } from '@/lib/db/schema';
import { installRealtime } from '@/lib/realtime/publish';
import { recordingRealtime, type RecordedEvent } from '@/test/recording-realtime';
import { openTestDb } from '@/test/test-db';
import { SendQueue, type SendTarget } from './send-queue';

const log = pino({ level: 'silent' });

async function until(check: () => void | Promise<void>, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() - start > timeoutMs) throw err;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

describe('SendQueue', () => {
  let handle: DbHandle;
  let cleanup: () => Promise<void>;
  let botId = '';
  let ws = '';
  const events: RecordedEvent[] = [];
  let queue: SendQueue | undefined;

  beforeAll(async () => {
    ({ handle, cleanup } = await openTestDb('pglite'));
    setDbHandle(handle);
    installRealtime(recordingRealtime({ events }));
    const [w] = await handle.db.insert(workspaces).values({ name: 'Acme' }).returning();
    ws = w!.id;
    const [b] = await handle.db.insert(bots).values({ workspaceId: ws, name: 'Bot', status: 'CONNECTED' }).returning();
    botId = b!.id;
  });
  afterAll(async () => {
    installRealtime(undefined);
    await cleanup();
  });
  beforeEach(() => {
    queue?.stop();
    events.length = 0;
  });

  async function pending(contact: string, texts: string[]): Promise<string[]> {
    const [conv] = await handle.db
      .insert(conversations)
      .values({ workspaceId: ws, botId, contactPhone: contact })
      .onConflictDoUpdate({ target: [conversations.botId, conversations.contactPhone], set: { updatedAt: new Date() } })
      .returning();
    const ids: string[] = [];
    for (const body of texts) {
      const [m] = await handle.db
        .insert(messages)
        .values({ conversationId: conv!.id, botId, direction: 'out', body, status: 'pending', author: 'agent' })
        .returning();
      ids.push(m!.id);
    }
    return ids;
  }

  const rowOf = async (id: string) => (await handle.db.select().from(messages).where(eq(messages.id, id)))[0]!;

  it('sends in order, at most one message per interval to a contact, without holding up other contacts', async () => {
    const sent: { to: string; text: string; at: number }[] = [];
    queue = new SendQueue({
      log,
      minIntervalMs: 250,
      maxAttempts: 3,
      send: async (t: SendTarget) => {
        sent.push({ to: t.to, text: t.text, at: Date.now() });
        return { externalId: `wamid.${t.text}` };
      },
    });
    const a = await pending('15550000001', ['a1', 'a2', 'a3']);
    const b = await pending('15550000002', ['b1']);
    queue.enqueue([...a, ...b]);
    queue.enqueue(a); // a duplicate enqueue sends nothing twice
    await until(async () => expect((await rowOf(a[2]!)).status).toBe('sent'));
    const toA = sent.filter((s) => s.to === '15550000001');
    expect(toA.map((s) => s.text)).toEqual(['a1', 'a2', 'a3']);
    expect(toA[1]!.at - toA[0]!.at).toBeGreaterThanOrEqual(245);
    expect(toA[2]!.at - toA[1]!.at).toBeGreaterThanOrEqual(245);
    // b1 did not wait behind a's pacing.
    expect(sent.find((s) => s.text === 'b1')!.at).toBeLessThan(toA[1]!.at);
    expect(await rowOf(a[0]!)).toMatchObject({ status: 'sent', externalId: 'wamid.a1', attempts: 1 });
    expect(events.filter((e) => e.event === 'message_status_updated').map((e) => e.payload.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
  });

  it('retries transient failures with backoff, keeping order; a permanent failure fails at once with the reason', async () => {
    let failuresLeft = 2;
    const sent: string[] = [];
    queue = new SendQueue({
      log,
      minIntervalMs: 0,
      maxAttempts: 4,
      backoffMs: 20,
      send: async (t) => {
        if (t.text === 'bad') throw { transient: false, message: 'Recipient phone number not in allowed list' };
        if (t.text === 'flaky' && failuresLeft-- > 0) throw { transient: true, message: 'WhatsApp is unreachable' };
        sent.push(t.text);
        return { externalId: `wamid.${t.text}.${Math.random()}` };
      },
    });
    const ids = await pending('15550000003', ['flaky', 'after', 'bad']);
    queue.enqueue(ids);
    await until(async () => expect((await rowOf(ids[2]!)).status).toBe('failed'));
    expect(sent).toEqual(['flaky', 'after']);
    expect(await rowOf(ids[0]!)).toMatchObject({ status: 'sent', attempts: 3 });
    expect(await rowOf(ids[2]!)).toMatchObject({ status: 'failed', attempts: 1, error: 'Not sent: Recipient phone number not in allowed list' });
    const failed = events.find((e) => e.payload.status === 'failed');
    expect(failed?.payload).toMatchObject({ messageId: ids[2], error: 'Not sent: Recipient phone number not in allowed list' });
  });

  it('gives up after maxAttempts of transient failures', async () => {
    let calls = 0;
    queue = new SendQueue({
      log,
      minIntervalMs: 0,
      maxAttempts: 3,
      backoffMs: 10,
      send: async () => {
        calls++;
        throw new Error('The bot is not connected to WhatsApp.');
      },
    });
    const [id] = await pending('15550000004', ['never']);
    queue.enqueue([id!]);
    await until(async () => expect((await rowOf(id!)).status).toBe('failed'));
    expect(calls).toBe(3);
    expect((await rowOf(id!)).error).toBe('Not sent after 3 attempts: The bot is not connected to WhatsApp.');
  });

  it('resumes messages left pending by a restart, oldest first', async () => {
    const ids = await pending('15550000005', ['r1', 'r2']);
    const sent: string[] = [];
    queue = new SendQueue({ log, minIntervalMs: 0, maxAttempts: 1, send: async (t) => (sent.push(t.text), { externalId: `wamid.${t.text}` }) });
    expect(await queue.resumePending()).toBeGreaterThanOrEqual(2);
    await until(async () => expect((await rowOf(ids[1]!)).status).toBe('sent'));
    expect(sent.filter((t) => t.startsWith('r'))).toEqual(['r1', 'r2']);
  });

  it('two queues holding the same pending messages (a takeover resumed what another node had queued): each goes out once', async () => {
    const ids = await pending('15550000006', ['once-1', 'once-2', 'once-3']);
    const sent: string[] = [];
    const send = async (t: SendTarget) => {
      sent.push(t.text);
      await new Promise((r) => setTimeout(r, 5));
      return { externalId: `wamid.${t.text}` };
    };
    const other = new SendQueue({ log, minIntervalMs: 0, maxAttempts: 2, send });
    queue = new SendQueue({ log, minIntervalMs: 0, maxAttempts: 2, send });
    try {
      queue.enqueue(ids);
      other.enqueue(ids);
      await until(async () => {
        for (const id of ids) expect((await rowOf(id)).status).toBe('sent');
      });
      expect(sent.filter((t) => t.startsWith('once-')).sort()).toEqual(['once-1', 'once-2', 'once-3']);
      for (const id of ids) expect((await rowOf(id)).attempts).toBe(1);
    } finally {
      other.stop();
    }
  });

  it('hands a message to the node running its bot\'s session instead of sending it here; waits, spending no attempt, while that node is out of reach', async () => {
    const [id] = await pending('15550000007', ['elsewhere']);
    const asked: string[] = [];
    let sends = 0;
    // Unreachable twice (Redis down), then handed over.
    const answers: ('wait' | 'handed')[] = ['wait', 'wait', 'handed'];
    queue = new SendQueue({
      log,
      minIntervalMs: 0,
      maxAttempts: 1,
      backoffMs: 10,
      send: async () => (sends++, { externalId: 'wamid.x' }),
      handOff: async (m) => (asked.push(m.id), answers.shift() ?? 'handed'),
    });
    queue.enqueue([id!]);
    await until(() => expect(asked).toEqual([id, id, id]));
    await until(() => expect(queue!.size).toBe(0));
    expect(sends).toBe(0);
    expect(await rowOf(id!)).toMatchObject({ status: 'pending', attempts: 0 });
  });
});
