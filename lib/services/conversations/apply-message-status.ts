import { and, eq, inArray } from 'drizzle-orm';
import { getDb } from '@/lib/db';
import { conversations, messages } from '@/lib/db/schema';
import { nowIso, rooms, type MessageDeliveryStatus } from '@/lib/realtime/events';
import { publish } from '@/lib/realtime/publish';

// Receipts arrive late, twice, and out of order (a "read" before its "delivered"): a status only
// ever moves forward, and `failed` only replaces a message that has not reached the phone.
const MAY_BECOME: Record<MessageDeliveryStatus, ('pending' | MessageDeliveryStatus)[]> = {
  sent: ['pending'],
  delivered: ['pending', 'sent'],
  read: ['pending', 'sent', 'delivered'],
  failed: ['pending', 'sent'],
};

/** A delivery report from an engine, for an outbound message found by its WhatsApp id. */
export async function applyMessageStatus(opts: {
  botId: string;
  externalId: string;
  status: MessageDeliveryStatus;
  error?: string;
}): Promise<boolean> {
  const db = await getDb();
  const [row] = await db
    .update(messages)
    .set({ status: opts.status, error: opts.status === 'failed' ? (opts.error?.slice(0, 500) ?? 'WhatsApp could not deliver this message.') : null, updatedAt: new Date() })
    .where(
      and(
        eq(messages.botId, opts.botId),
        eq(messages.externalId, opts.externalId),
        eq(messages.direction, 'out'),
        inArray(messages.status, MAY_BECOME[opts.status]),
      ),
    )
    .returning({ id: messages.id, conversationId: messages.conversationId, error: messages.error, updatedAt: messages.updatedAt });
  if (!row) return false;
  const [conv] = await db.select({ workspaceId: conversations.workspaceId }).from(conversations).where(eq(conversations.id, row.conversationId));
  if (conv) {
    publish(rooms.workspace(conv.workspaceId), 'message_status_updated', {
      conversationId: row.conversationId,
      messageId: row.id,
      status: opts.status,
      botId: opts.botId,
      ...(row.error ? { error: row.error } : {}),
      updatedAt: row.updatedAt.toISOString(),
      timestamp: nowIso(),
    });
  }
  return true;
}
