import type { Principal } from '@/lib/auth/principal';
import { findConversation } from './find-conversation';
import { toConversationView, type ConversationView } from './views';

export async function getConversation(opts: { principal: Principal; conversationId: string }): Promise<ConversationView> {
  return toConversationView(await findConversation(opts));
}
