import { and, eq, gt } from 'drizzle-orm';
import type { Principal } from '@/lib/auth/principal';
import { getDb } from '@/lib/db';
import { conversations } from '@/lib/db/schema';
import { findConversation } from './find-conversation';
import { publishConversation } from './publish-conversation';
import { toConversationView, type ConversationView } from './views';

/** Read for the whole workspace: every agent's badge clears at once. */
export async function markConversationRead(opts: { principal: Principal; conversationId: string }): Promise<ConversationView> {
  const current = await findConversation(opts);
  const db = await getDb();
  const [updated] = await db
    .update(conversations)
    .set({ unreadCount: 0, updatedAt: new Date() })
    .where(and(eq(conversations.id, current.id), gt(conversations.unreadCount, 0)))
    .returning();
  if (!updated) return toConversationView(current);
  publishConversation(updated);
  return toConversationView(updated);
}
