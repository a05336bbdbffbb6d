import { and, eq } from 'drizzle-orm';
import type { Principal } from '@/lib/auth/principal';
import { getDb } from '@/lib/db';
import { messages } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { findMessagingControl } from '@/lib/messaging/messaging-control';
import { nowIso, rooms, type ChatMessage } from '@/lib/realtime/events';
import { publish } from '@/lib/realtime/publish';
import { findConversation } from './find-conversation';
import { toChatMessage } from './views';

/** Sends a failed message again ("failed — retry" in the thread). */
export async function retryMessage(opts: { principal: Principal; conversationId: string; messageId: string }): Promise<ChatMessage> {
  const conversation = await findConversation(opts);
  const db = await getDb();
  const [row] = await db
    .update(messages)
    .set({ status: 'pending', error: null, attempts: 0, updatedAt: new Date() })
    .where(and(eq(messages.id, opts.messageId), eq(messages.conversationId, conversation.id), eq(messages.status, 'failed')))
    .returning();
  if (!row) {
    const [exists] = await db
      .select({ status: messages.status })
      .from(messages)
      .where(and(eq(messages.id, opts.messageId), eq(messages.conversationId, conversation.id)));
    if (!exists) throw new AppError('not_found', 'Message not found.');
    throw new AppError('conflict', 'Only a failed message can be sent again.');
  }
  publish(rooms.workspace(conversation.workspaceId), 'message_status_updated', {
    conversationId: conversation.id,
    messageId: row.id,
    status: 'pending',
    botId: conversation.botId,
    updatedAt: row.updatedAt.toISOString(),
    timestamp: nowIso(),
  });
  findMessagingControl()?.enqueue([row.id]);
  return toChatMessage(row);
}
