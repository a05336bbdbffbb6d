import { asc, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DbHandle, setDbHandle } from '@/lib/db';
import { bots, conversations, messages, workspaces } from '@/lib/db/schema';
import { installMessagingControl, type IngestedMessage } from '@/lib/messaging/messaging-control';
import { installRealtime } from '@/lib/realtime/publish';
import { recordingRealtime, type RecordedEvent } from '@/test/recording-realtime';
import { setupTestEnv } from '@/test/setup-env';
import { openTestDb, testDrivers } from '@/test/test-db';
import { ingestInbound, type InboundInput } from './ingest-inbound';

// Group commit: deliveries submitted together are written in one transaction. Each test submits
// its deliveries in one turn of the event loop, which is what puts them in one batch.

setupTestEnv();
const drivers = await testDrivers();

let n = 0;
const inbound = (from: string, body: string, extra: Partial<InboundInput> = {}): InboundInput => ({
  externalId: `wamid.batch.${++n}.${Math.random().toString(36).slice(2)}`,
  from,
  type: 'text',
  body,
  sentAt: new Date('2026-12-01T10:00:00Z'),
  ...extra,
});

const settle = <T>(p: Promise<T>) => p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));

describe.each(drivers)('ingestInbound batches on %s', (driver) => {
  let handle: DbHandle;
  let cleanup: () => Promise<void>;
  const events: RecordedEvent[] = [];
  const engineCalls: IngestedMessage[][] = [];
  let bot = { id: '', workspaceId: '' };

  beforeAll(async () => {
    ({ handle, cleanup } = await openTestDb(driver));
    setDbHandle(handle);
    installRealtime(recordingRealtime({ events }));
    installMessagingControl({ enqueue: () => {}, afterInbound: (items) => void engineCalls.push([...items]), applyReceipt: async () => false });
    const [w] = await handle.db.insert(workspaces).values({ name: 'Batch' }).returning();
    const [b] = await handle.db.insert(bots).values({ workspaceId: w!.id, name: 'Batch bot', status: 'CONNECTED' }).returning();
    bot = { id: b!.id, workspaceId: w!.id };
    // Failures in the middle of a batch's transaction, after its messages were inserted: an
    // update of these contacts' conversations raises (an outage-like error, or one that is this
    // contact's own data's fault).
    await handle.db.execute(sql.raw(`
      create function test_fail_ingest() returns trigger language plpgsql as $$
      begin
        if new.contact_phone = '15559990000' then raise exception 'simulated outage' using errcode = '57P01'; end if;
        if new.contact_phone = '15559990001' then raise exception 'bad row' using errcode = '23514'; end if;
        return new;
      end $$`));
    await handle.db.execute(sql.raw('create trigger test_fail_ingest before update on conversations for each row execute function test_fail_ingest()'));
  });
  afterAll(async () => {
    installRealtime(undefined);
    installMessagingControl(undefined);
    await cleanup();
  });
  beforeEach(() => {
    events.length = 0;
    engineCalls.length = 0;
  });

  const threadOf = async (phone: string) => {
    const [conv] = await handle.db.select().from(conversations).where(eq(conversations.contactPhone, phone));
    const rows = conv ? await handle.db.select().from(messages).where(eq(messages.conversationId, conv.id)).orderBy(asc(messages.seq)) : [];
    return { conv, bodies: rows.map((m) => m.body) };
  };

  it('deliveries arriving together are one transaction: a duplicate in it is stored once, a conversation keeps order and counters', async () => {
    const first = inbound('15551110000', 'first', { contactName: 'Ada' });
    const second = inbound('15551110000', 'second');
    const other = inbound('15551110001', 'other');
    const results = await Promise.all([
      ingestInbound({ bot, messages: [first] }),
      ingestInbound({ bot, messages: [second] }),
      ingestInbound({ bot, messages: [first] }), // Meta delivering the same message twice at once
      ingestInbound({ bot, messages: [other] }),
    ]);
    expect(results).toEqual([
      { created: 1, duplicates: 0 },
      { created: 1, duplicates: 0 },
      { created: 0, duplicates: 1 },
      { created: 1, duplicates: 0 },
    ]);
    // One batch: the bot engine heard about all three at once, each contact's first message flagged.
    expect(engineCalls.map((call) => call.map((i) => [i.message.body, i.isFirstMessage]))).toEqual([
      [
        ['first', true],
        ['second', false],
        ['other', true],
      ],
    ]);

    const ada = await threadOf('15551110000');
    expect(ada.bodies).toEqual(['first', 'second']);
    expect(ada.conv).toMatchObject({ contactName: 'Ada', unreadCount: 2, lastMessageBody: 'second', lastMessageDirection: 'in', status: 'open' });
    expect((await threadOf('15551110001')).conv).toMatchObject({ unreadCount: 1, lastMessageBody: 'other' });

    // Every message once, in order; each conversation once, in its final state.
    expect(events.filter((e) => e.event === 'new_message').map((e) => (e.payload.message as { body: string }).body)).toEqual(['first', 'second', 'other']);
    const updates = events.filter((e) => e.event === 'conversation_updated').map((e) => [e.payload.contactPhone, e.payload.unreadCount, (e.payload.lastMessage as { body?: string } | null)?.body]);
    expect(updates).toEqual([
      ['15551110000', 2, 'second'],
      ['15551110001', 1, 'other'],
    ]);

    // A later batch counts on from there.
    await Promise.all([ingestInbound({ bot, messages: [inbound('15551110000', 'third')] }), ingestInbound({ bot, messages: [second] })]);
    expect((await threadOf('15551110000')).conv).toMatchObject({ unreadCount: 3, lastMessageBody: 'third' });
  });

  it('stores any text exactly through the array insert: quotes, backslashes, braces, commas, NULL, blank, newlines, emoji', async () => {
    const bodies = ['say "hi", ok?', 'back\\slash \\" and \\\\', '{a,b}', '{"x": [1, 2]}', 'NULL', '', 'two\nlines\ttab', 'ünïcødé 👍🏽', "it's"];
    const list = bodies.map((b, i) => inbound('15551110002', b, { sentAt: new Date(Date.UTC(2026, 11, 1, 10, 0, i)) }));
    expect(await ingestInbound({ bot, messages: list })).toEqual({ created: bodies.length, duplicates: 0 });
    expect((await threadOf('15551110002')).bodies).toEqual(bodies);
    const stored = await handle.db
      .select({ externalId: messages.externalId, sentAt: messages.sentAt })
      .from(messages)
      .where(inArray(messages.externalId, list.map((m) => m.externalId)));
    expect(new Map(stored.map((m) => [m.externalId, m.sentAt?.toISOString()]))).toEqual(new Map(list.map((m) => [m.externalId, m.sentAt.toISOString()])));
  });

  it('a batch that fails mid-transaction stores none of it and rejects each of its deliveries; the next batch is stored', async () => {
    const good = inbound('15551110003', 'in a failing batch');
    const doomed = inbound('15559990000', 'fails the batch');
    const results = await Promise.all([settle(ingestInbound({ bot, messages: [good] })), settle(ingestInbound({ bot, messages: [doomed] }))]);
    expect(results.map((r) => r.ok)).toEqual([false, false]);
    // Nothing partial: not the messages inserted before the failing update, not the conversations.
    const left = await handle.db.select().from(messages).where(inArray(messages.externalId, [good.externalId, doomed.externalId]));
    expect(left).toEqual([]);
    expect((await threadOf('15551110003')).conv).toBeUndefined();
    expect(events).toEqual([]);
    expect(engineCalls).toEqual([]);

    // WhatsApp delivers it again (the webhook answered 503): now it is stored, once.
    expect(await ingestInbound({ bot, messages: [good] })).toEqual({ created: 1, duplicates: 0 });
    expect((await threadOf('15551110003')).conv).toMatchObject({ unreadCount: 1, lastMessageBody: 'in a failing batch' });
  });

  it('a delivery whose own data fails the batch fails alone: the others in its batch are stored', async () => {
    const before = inbound('15551110004', 'before');
    const bad = inbound('15559990001', 'bad');
    const after = inbound('15551110005', 'after');
    const results = await Promise.all([before, bad, after].map((m) => settle(ingestInbound({ bot, messages: [m] }))));
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect((await threadOf('15551110004')).bodies).toEqual(['before']);
    expect((await threadOf('15551110005')).bodies).toEqual(['after']);
    expect((await threadOf('15559990001')).bodies).toEqual([]);
    expect(events.filter((e) => e.event === 'new_message').map((e) => (e.payload.message as { body: string }).body)).toEqual(['before', 'after']);
  });
});
