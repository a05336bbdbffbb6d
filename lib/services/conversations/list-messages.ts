import { and, desc, eq, lt } from 'drizzle-orm';
import type { Principal } from '@/lib/auth/principal';
import { getDb } from '@/lib/db';
import { messages } from '@/lib/db/schema';
import type { ListMessagesQuery } from '@/lib/validation/conversation';
import { findConversation } from './find-conversation';
import { toChatMessage, type MessagePage } from './views';

/** A page of a thread, oldest first; `before` pages back by sequence number. */
export async function listMessages(opts: { principal: Principal; conversationId: string; query: ListMessagesQuery }): Promise<MessagePage> {
  await findConversation(opts);
  const { before, limit } = opts.query;
  const db = await getDb();
  const rows = await db
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, opts.conversationId), before ? lt(messages.seq, before) : undefined))
    .orderBy(desc(messages.seq))
    .limit(limit + 1);
  const page = rows.slice(0, limit).reverse();
  return { messages: page.map(toChatMessage), nextBefore: rows.length > limit ? (page[0]?.seq ?? null) : null };
}
