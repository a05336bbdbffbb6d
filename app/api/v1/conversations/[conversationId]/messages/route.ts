import { conversationIdFrom } from '@/lib/api/params';
import { json, withSession } from '@/lib/api/with-route';
import { MESSAGE_SEND_PER_USER } from '@/lib/rate-limit/rules';
import { listMessages } from '@/lib/services/conversations/list-messages';
import { sendAgentMessage } from '@/lib/services/conversations/send-agent-message';
import { listMessagesQuery, sendMessageBody, type ListMessagesQuery, type SendMessageInput } from '@/lib/validation/conversation';

type Params = { conversationId: string };

export const GET = withSession<undefined, ListMessagesQuery, Params>({ query: listMessagesQuery }, async ({ query, params, principal }) =>
  json(await listMessages({ principal, conversationId: conversationIdFrom(params), query })),
);

export const POST = withSession<SendMessageInput, undefined, Params>(
  { body: sendMessageBody, rateLimit: [{ rule: MESSAGE_SEND_PER_USER, key: ({ principal }) => principal.userId }] },
  async ({ body, params, principal }) =>
    json(await sendAgentMessage({ principal, conversationId: conversationIdFrom(params), text: body.text }), { status: 201 }),
);
