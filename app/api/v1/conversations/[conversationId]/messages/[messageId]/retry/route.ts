import { conversationIdFrom, messageIdFrom } from '@/lib/api/params';
import { json, withSession } from '@/lib/api/with-route';
import { MESSAGE_SEND_PER_USER } from '@/lib/rate-limit/rules';
import { retryMessage } from '@/lib/services/conversations/retry-message';

export const POST = withSession<undefined, undefined, { conversationId: string; messageId: string }>(
  { rateLimit: [{ rule: MESSAGE_SEND_PER_USER, key: ({ principal }) => principal.userId }] },
  async ({ params, principal }) =>
    json(await retryMessage({ principal, conversationId: conversationIdFrom(params), messageId: messageIdFrom(params) })),
);
