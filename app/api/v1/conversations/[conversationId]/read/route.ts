import { conversationIdFrom } from '@/lib/api/params';
import { json, withSession } from '@/lib/api/with-route';
import { CONVERSATION_WRITE_PER_USER } from '@/lib/rate-limit/rules';
import { markConversationRead } from '@/lib/services/conversations/mark-conversation-read';

export const POST = withSession<undefined, undefined, { conversationId: string }>(
  { rateLimit: [{ rule: CONVERSATION_WRITE_PER_USER, key: ({ principal }) => principal.userId }] },
  async ({ params, principal }) => json(await markConversationRead({ principal, conversationId: conversationIdFrom(params) })),
);
