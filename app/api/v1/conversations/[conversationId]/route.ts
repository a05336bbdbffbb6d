import { conversationIdFrom } from '@/lib/api/params';
import { json, withSession } from '@/lib/api/with-route';
import { CONVERSATION_WRITE_PER_USER } from '@/lib/rate-limit/rules';
import { getConversation } from '@/lib/services/conversations/get-conversation';
import { updateConversation } from '@/lib/services/conversations/update-conversation';
import { updateConversationBody, type UpdateConversationInput } from '@/lib/validation/conversation';

type Params = { conversationId: string };

export const GET = withSession<undefined, undefined, Params>({}, async ({ params, principal }) =>
  json(await getConversation({ principal, conversationId: conversationIdFrom(params) })),
);

export const PATCH = withSession<UpdateConversationInput, undefined, Params>(
  { body: updateConversationBody, rateLimit: [{ rule: CONVERSATION_WRITE_PER_USER, key: ({ principal }) => principal.userId }] },
  async ({ body, params, principal }) => json(await updateConversation({ principal, conversationId: conversationIdFrom(params), input: body })),
);
