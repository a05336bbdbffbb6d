import { and, getTableColumns, inArray, sql, type SQL, type Table } from 'drizzle-orm';
import { getDb } from '@/lib/db';
import { createGroupCommit, isStatementError, type GroupCommit } from '@/lib/db/group-commit';
import { conversations, messages, type Conversation, type Message } from '@/lib/db/schema';
import { findMessagingControl, type IngestedMessage } from '@/lib/messaging/messaging-control';
import { processSlot } from '@/lib/process-slot';
import { nowIso } from '@/lib/realtime/events';
import { publishConversation, publishMessage } from './publish-conversation';

export interface InboundInput {
  /** WhatsApp's message id: a second delivery of the same id changes nothing. */
  externalId: string;
  /** Digits only. */
  from: string;
  contactName?: string;
  type: string;
  body: string;
  sentAt: Date;
}

const MAX_BODY = 65_536;
const PREVIEW = 200;
/** Messages per group-commit batch: keeps each multi-row statement far below PostgreSQL's 65,535 parameters. */
const MAX_BATCH_MESSAGES = 1_000;

interface Delivery {
  bot: { id: string; workspaceId: string };
  /** Deduplicated by external id and in sent order. */
  messages: InboundInput[];
}

/**
 * Every inbound message from every engine (Baileys, simulator, Cloud API webhook) comes through
 * here: deduplicated by external id, stored with the conversation's counters in one transaction,
 * and only then published and handed to the bot engine. Deliveries arriving while another is
 * being written share the next transaction (group commit, lib/db/group-commit.ts): the caller
 * still gets its answer only once its own messages are committed. Throws when the database does
 * (the webhook then answers 503 and WhatsApp retries).
 */
export async function ingestInbound(opts: {
  bot: { id: string; workspaceId: string };
  messages: readonly InboundInput[];
}): Promise<{ created: number; duplicates: number }> {
  const incoming = dedupeBatch(opts.messages).sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());
  if (incoming.length === 0) return { created: 0, duplicates: opts.messages.length };
  const created = await inboundWriter().submit({ bot: opts.bot, messages: incoming });
  return { created, duplicates: opts.messages.length - created };
}

// One writer per process (the custom server's engines and every route bundle share it), so
// batches are written one at a time and a conversation's messages keep their arrival order.
const writerSlot = processSlot<GroupCommit<Delivery, number>>('inbound-writer');

function inboundWriter(): GroupCommit<Delivery, number> {
  let writer = writerSlot.get();
  if (!writer) {
    writer = createGroupCommit<Delivery, number>({
      write: writeAndPublish,
      weight: (d) => d.messages.length,
      maxWeight: MAX_BATCH_MESSAGES,
      isolate: isStatementError,
    });
    writerSlot.set(writer);
  }
  return writer;
}

/** Stores a batch in one transaction, then (persisted) tells the browsers and the bot engine. */
async function writeAndPublish(batch: Delivery[]): Promise<number[]> {
  const stored = await storeBatch(batch);
  const all = stored.flat();
  const timestamp = nowIso();
  // Each conversation once, in its final state.
  const latest = new Map<string, Conversation>();
  for (const s of all) {
    publishMessage(s.conversation, s.message, timestamp);
    latest.set(s.conversation.id, s.conversation);
  }
  for (const c of latest.values()) publishConversation(c, timestamp);
  if (all.length) findMessagingControl()?.afterInbound(all);
  return stored.map((s) => s.length);
}

/**
 * Five statements whatever the batch size: which ids are already stored, one upsert of the
 * conversations, one insert of the messages (in arrival order: `seq` follows it), one update of
 * the conversations' counters and previews. Returns each delivery's newly stored messages.
 */
async function storeBatch(batch: Delivery[]): Promise<IngestedMessage[][]> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const items = batch.flatMap((d, delivery) => d.messages.map((m) => ({ delivery, bot: d.bot, m })));
    const seen = await tx
      .select({ botId: messages.botId, externalId: messages.externalId })
      .from(messages)
      .where(
        and(
          inArray(messages.botId, unique(items.map((i) => i.bot.id))),
          sql`${messages.externalId} = any(${sql.param(unique(items.map((i) => i.m.externalId)))}::text[])`,
        ),
      );
    const known = new Set(seen.map((r) => key(r.botId, r.externalId ?? '')));
    const fresh = items.filter((i) => {
      const k = key(i.bot.id, i.m.externalId);
      if (known.has(k)) return false;
      known.add(k); // the same id twice in one batch (two deliveries at once): the first wins
      return true;
    });
    const out: IngestedMessage[][] = batch.map(() => []);
    if (fresh.length === 0) return out;

    // One row per conversation (an upsert may not touch a row twice), in key order so that
    // concurrent writers (other nodes) lock the rows in the same order; the newest name given wins.
    const convByKey = new Map<string, typeof conversations.$inferInsert>();
    for (const { bot, m } of fresh) {
      const contactName = m.contactName?.trim().slice(0, 100) || null;
      const k = key(bot.id, m.from);
      const row = convByKey.get(k);
      if (!row) convByKey.set(k, { workspaceId: bot.workspaceId, botId: bot.id, contactPhone: m.from, contactName });
      else if (contactName) row.contactName = contactName;
    }
    const convRows = await tx
      .insert(conversations)
      .values([...convByKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row))
      .onConflictDoUpdate({
        target: [conversations.botId, conversations.contactPhone],
        set: { contactName: sql`coalesce(excluded.contact_name, ${conversations.contactName})` },
      })
      .returning({ id: conversations.id, botId: conversations.botId, contactPhone: conversations.contactPhone, created: sql<boolean>`(xmax = 0)` });
    const conv = new Map(convRows.map((r) => [key(r.botId, r.contactPhone), r]));

    // unnest() takes one array per column: a handful of parameters whatever the batch size (a
    // multi-row VALUES list costs drizzle and the server time per parameter). WITH ORDINALITY
    // keeps arrival order, which `seq` follows.
    const column = <T>(pick: (i: (typeof fresh)[number]) => T) => sql.param(fresh.map(pick));
    const result = await tx.execute(sql`
      insert into ${messages} (conversation_id, bot_id, external_id, direction, type, body, status, author, sent_at)
      select u.conversation_id, u.bot_id, u.external_id, 'in', u.type, u.body, 'delivered', 'contact', u.sent_at
      from unnest(
        ${column(({ bot, m }) => conv.get(key(bot.id, m.from))!.id)}::uuid[],
        ${column(({ bot }) => bot.id)}::uuid[],
        ${column(({ m }) => m.externalId)}::text[],
        ${column(({ m }) => m.type.slice(0, 40) || 'text')}::text[],
        ${column(({ m }) => m.body.slice(0, MAX_BODY))}::text[],
        ${column(({ m }) => m.sentAt.toISOString())}::timestamptz[]
      ) with ordinality as u(conversation_id, bot_id, external_id, type, body, sent_at, n)
      order by u.n
      on conflict (bot_id, external_id) do nothing
      returning *`);
    const inserted = rowsOf(result).map((row) => fromRow<Message>(messages, row));
    const byId = new Map(inserted.map((m) => [key(m.botId, m.externalId ?? ''), m]));

    // Per conversation: how many arrived and which is now the last one.
    const counters = new Map<string, { count: number; last: Message }>();
    const placed: { delivery: number; message: Message; conversationId: string; created: boolean }[] = [];
    for (const { delivery, bot, m } of fresh) {
      const message = byId.get(key(bot.id, m.externalId));
      // A concurrent delivery of the same id (another node) won the insert: nothing to count.
      if (!message) continue;
      const c = conv.get(key(bot.id, m.from))!;
      const entry = counters.get(c.id);
      placed.push({ delivery, message, conversationId: c.id, created: Boolean(c.created) && !entry });
      counters.set(c.id, { count: (entry?.count ?? 0) + 1, last: message });
    }
    if (placed.length === 0) return out;

    const ids = [...counters.keys()];
    const perConversation = (value: (c: { count: number; last: Message }) => SQL) =>
      sql`case ${conversations.id} ${sql.join(
        ids.map((id) => sql`when ${id}::uuid then ${value(counters.get(id)!)}`),
        sql` `,
      )} end`;
    const updated = await tx
      .update(conversations)
      .set({
        lastMessageBody: perConversation((c) => sql`${preview(c.last.type, c.last.body)}::text`),
        lastMessageDirection: 'in',
        lastMessageAuthor: 'contact',
        lastMessageAuthorUserId: null,
        lastActivityAt: sql`now()`,
        unreadCount: sql`${conversations.unreadCount} + ${perConversation((c) => sql`${c.count}::int`)}`,
        // A contact writing again reopens a resolved conversation.
        status: 'open',
        updatedAt: sql`now()`,
      })
      .where(inArray(conversations.id, ids))
      .returning();
    const final = new Map(updated.map((c) => [c.id, c]));
    for (const p of placed) {
      out[p.delivery]!.push({ conversation: final.get(p.conversationId)!, message: p.message, isFirstMessage: p.created });
    }
    return out;
  });
}

const key = (a: string, b: string) => `${a}\n${b}`;

/** The rows of a raw `execute` (node-postgres and PGlite both answer `{ rows }`). */
function rowsOf(result: unknown): Record<string, unknown>[] {
  return (result as { rows: Record<string, unknown>[] }).rows;
}

/** A raw row (column names, driver values) as drizzle would have returned it for this table. */
function fromRow<T>(table: Table, row: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [prop, col] of Object.entries(getTableColumns(table))) {
    const value = row[col.name];
    out[prop] = value === null || value === undefined ? null : col.mapFromDriverValue(value);
  }
  return out as T;
}
const unique = (list: string[]) => [...new Set(list)];

function dedupeBatch(list: readonly InboundInput[]): InboundInput[] {
  const byId = new Map<string, InboundInput>();
  for (const m of list) if (m.externalId && !byId.has(m.externalId)) byId.set(m.externalId, m);
  return [...byId.values()];
}

/** The list's one-line preview: the text, or a label for media without a caption. */
export function preview(type: string, body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  if (text) return text.slice(0, PREVIEW);
  return type === 'text' ? '' : `[${type}]`;
}
