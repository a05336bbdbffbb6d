import { eq, sql } from 'drizzle-orm';
import { getDb } from '@/lib/db';
import { conversations, messages, type Conversation, type Message } from '@/lib/db/schema';
import { findMessagingControl } from '@/lib/messaging/messaging-control';
import { nowIso } from '@/lib/realtime/events';
import { preview } from './ingest-inbound';
import { publishConversation, publishMessage } from './publish-conversation';

type ConversationPatch = Partial<Pick<Conversation, 'botPaused' | 'needsHuman' | 'assigneeId' | 'status'>>;

/**
 * Stores an outbound message as pending together with the conversation's new last message (one
 * transaction), publishes both, then queues the send. Persist first: a crash after this point
 * leaves a pending message that the send queue picks up again at boot.
 */
export async function insertOutboundMessage(opts: {
  conversationId: string;
  text: string;
  author: 'bot' | 'agent';
  authorUserId?: string;
  /** Applied to the conversation in the same transaction (an agent reply pauses the bot). */
  patch?: ConversationPatch | ((current: Conversation) => ConversationPatch);
}): Promise<{ conversation: Conversation; message: Message }> {
  const db = await getDb();
  const result = await db.transaction(async (tx) => {
    const [current] = await tx.select().from(conversations).where(eq(conversations.id, opts.conversationId)).for('update');
    if (!current) return null;
    const patch = typeof opts.patch === 'function' ? opts.patch(current) : (opts.patch ?? {});
    const [message] = await tx
      .insert(messages)
      .values({
        conversationId: current.id,
        botId: current.botId,
        direction: 'out',
        type: 'text',
        body: opts.text,
        status: 'pending',
        author: opts.author,
        authorUserId: opts.authorUserId ?? null,
      })
      .returning();
    const [conversation] = await tx
      .update(conversations)
      .set({
        ...patch,
        lastMessageBody: preview('text', opts.text),
        lastMessageDirection: 'out',
        lastMessageAuthor: opts.author,
        lastMessageAuthorUserId: opts.authorUserId ?? null,
        lastActivityAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(eq(conversations.id, current.id))
      .returning();
    return { conversation: conversation!, message: message! };
  });
  if (!result) throw new Error(`conversation ${opts.conversationId} vanished`);
  const timestamp = nowIso();
  publishMessage(result.conversation, result.message, timestamp);
  publishConversation(result.conversation, timestamp);
  findMessagingControl()?.enqueue([result.message.id]);
  return result;
}
