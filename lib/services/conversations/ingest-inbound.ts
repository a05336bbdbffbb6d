import { and, eq, inArray, sql } from 'drizzle-orm';
import { getDb } from '@/lib/db';
import { conversations, messages, type Conversation } from '@/lib/db/schema';
import { findMessagingControl, type IngestedMessage } from '@/lib/messaging/messaging-control';
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

/**
 * Every inbound message from every engine (Baileys, simulator, Cloud API webhook) comes through
 * here: deduplicated by external id, stored with the conversation's counters in one transaction,
 * and only then published and handed to the bot engine. Throws when the database does (the
 * webhook then answers 503 and WhatsApp retries).
 */
export async function ingestInbound(opts: {
  bot: { id: string; workspaceId: string };
  messages: readonly InboundInput[];
}): Promise<{ created: number; duplicates: number }> {
  const { bot } = opts;
  const incoming = dedupeBatch(opts.messages).sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());
  if (incoming.length === 0) return { created: 0, duplicates: opts.messages.length };
  const db = await getDb();

  const stored = await db.transaction(async (tx) => {
    const seen = await tx
      .select({ externalId: messages.externalId })
      .from(messages)
      .where(and(eq(messages.botId, bot.id), inArray(messages.externalId, incoming.map((m) => m.externalId))));
    const known = new Set(seen.map((r) => r.externalId));
    const out: IngestedMessage[] = [];
    for (const m of incoming) {
      if (known.has(m.externalId)) continue;
      const contactName = m.contactName?.trim().slice(0, 100) || null;
      const [conv] = await tx
        .insert(conversations)
        .values({ workspaceId: bot.workspaceId, botId: bot.id, contactPhone: m.from, contactName })
        .onConflictDoUpdate({
          target: [conversations.botId, conversations.contactPhone],
          set: { contactName: sql`coalesce(excluded.contact_name, ${conversations.contactName})` },
        })
        .returning({ id: conversations.id, created: sql<boolean>`(xmax = 0)` });
      const [message] = await tx
        .insert(messages)
        .values({
          conversationId: conv!.id,
          botId: bot.id,
          externalId: m.externalId,
          direction: 'in',
          type: m.type.slice(0, 40) || 'text',
          body: m.body.slice(0, MAX_BODY),
          status: 'delivered',
          author: 'contact',
          sentAt: m.sentAt,
        })
        .onConflictDoNothing({ target: [messages.botId, messages.externalId] })
        .returning();
      // A concurrent delivery of the same id won the insert: nothing to count.
      if (!message) continue;
      const [updated] = await tx
        .update(conversations)
        .set({
          lastMessageBody: preview(message.type, message.body),
          lastMessageDirection: 'in',
          lastMessageAuthor: 'contact',
          lastMessageAuthorUserId: null,
          lastActivityAt: sql`now()`,
          unreadCount: sql`${conversations.unreadCount} + 1`,
          // A contact writing again reopens a resolved conversation.
          status: 'open',
          updatedAt: sql`now()`,
        })
        .where(eq(conversations.id, conv!.id))
        .returning();
      out.push({ conversation: updated!, message, isFirstMessage: Boolean(conv!.created) && !out.some((o) => o.conversation.id === conv!.id) });
      known.add(m.externalId);
    }
    return out;
  });

  // Persisted: now tell the browsers (each conversation once, in its final state) and the bot.
  const timestamp = nowIso();
  const latest = new Map<string, Conversation>();
  for (const s of stored) {
    publishMessage(s.conversation, s.message, timestamp);
    latest.set(s.conversation.id, s.conversation);
  }
  for (const c of latest.values()) publishConversation(c, timestamp);
  if (stored.length) findMessagingControl()?.afterInbound(stored);
  return { created: stored.length, duplicates: opts.messages.length - stored.length };
}

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
