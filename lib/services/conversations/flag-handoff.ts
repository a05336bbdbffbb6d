import { eq } from 'drizzle-orm';
import { getDb } from '@/lib/db';
import { conversations, type Conversation } from '@/lib/db/schema';
import { publishConversation } from './publish-conversation';

/** The contact asked for a person: the bot stops answering here and the workspace is told. */
export async function flagHandoff(opts: { conversationId: string }): Promise<Conversation | undefined> {
  const db = await getDb();
  const [updated] = await db
    .update(conversations)
    .set({ botPaused: true, needsHuman: true, assigneeId: null, status: 'open', updatedAt: new Date() })
    .where(eq(conversations.id, opts.conversationId))
    .returning();
  if (updated) publishConversation(updated);
  return updated;
}
