import { eq } from 'drizzle-orm';
import { roleIn, type Principal } from '@/lib/auth/principal';
import { getDb } from '@/lib/db';
import { conversations, type Conversation } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';

/**
 * The conversation, if the caller belongs to its workspace (any role: agents answer too).
 * Another workspace's conversation is a 404, so its existence and contact never leak.
 */
export async function findConversation(opts: { principal: Principal; conversationId: string }): Promise<Conversation> {
  const db = await getDb();
  const [row] = await db.select().from(conversations).where(eq(conversations.id, opts.conversationId));
  if (!row || !roleIn(opts.principal, row.workspaceId)) throw new AppError('not_found', 'Conversation not found.');
  return row;
}
