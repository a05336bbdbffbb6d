import type { Conversation, Message } from '@/lib/db/schema';
import { nowIso, rooms } from '@/lib/realtime/events';
import { publish } from '@/lib/realtime/publish';
import { toChatMessage, toConversationUpdated } from './views';

/** `conversation_updated` to the conversation's workspace (every member's inbox and badge). */
export function publishConversation(conversation: Conversation, timestamp: string = nowIso()): void {
  publish(rooms.workspace(conversation.workspaceId), 'conversation_updated', toConversationUpdated(conversation, timestamp));
}

/** `new_message` to the conversation's workspace. */
export function publishMessage(conversation: Conversation, message: Message, timestamp: string = nowIso()): void {
  publish(rooms.workspace(conversation.workspaceId), 'new_message', {
    conversationId: conversation.id,
    botId: conversation.botId,
    message: toChatMessage(message),
    timestamp,
  });
}
