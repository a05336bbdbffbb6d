import { eq } from 'drizzle-orm';
import type { Principal } from '@/lib/auth/principal';
import { getDb } from '@/lib/db';
import { bots } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import type { ChatMessage } from '@/lib/realtime/events';
import { findConversation } from './find-conversation';
import { insertOutboundMessage } from './insert-outbound-message';
import { toChatMessage } from './views';

/**
 * An agent's reply. Taking over pauses the bot for this conversation (until someone resumes it),
 * clears the "needs a human" flag, assigns an unassigned conversation to the agent and reopens a
 * resolved one.
 */
export async function sendAgentMessage(opts: { principal: Principal; conversationId: string; text: string }): Promise<ChatMessage> {
  const conversation = await findConversation(opts);
  const db = await getDb();
  const [bot] = await db.select({ name: bots.name, status: bots.status }).from(bots).where(eq(bots.id, conversation.botId));
  if (!bot) throw new AppError('not_found', 'Conversation not found.');
  if (bot.status !== 'CONNECTED') {
    throw new AppError('conflict', `${bot.name} is not connected to WhatsApp, so the message cannot be sent. Reconnect the bot first.`);
  }
  const userId = opts.principal.userId;
  const { message } = await insertOutboundMessage({
    conversationId: conversation.id,
    text: opts.text,
    author: 'agent',
    authorUserId: userId,
    patch: (current) => ({ botPaused: true, needsHuman: false, status: 'open', assigneeId: current.assigneeId ?? userId }),
  });
  return toChatMessage(message);
}
