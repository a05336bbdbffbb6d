import { z } from './zod';
import { queryInt } from './query-int';

export const conversationIdParam = z.uuid('Conversation not found.');
export const messageIdParam = z.uuid('Message not found.');

export const listConversationsQuery = z.object({
  /** One of the caller's workspaces; all of them when absent. */
  workspaceId: z.uuid('Workspace not found.').optional(),
  botId: z.uuid('Bot not found.').optional(),
  status: z.enum(['open', 'resolved', 'all'], { error: "Status must be 'open', 'resolved' or 'all'." }).default('open'),
  assignee: z.enum(['me', 'unassigned', 'all'], { error: "Assignee must be 'me', 'unassigned' or 'all'." }).default('all'),
  q: z.string().trim().max(100, 'Search must be at most 100 characters.').optional(),
  cursor: z.string().max(200).optional(),
  limit: queryInt('Limit must be a whole number from 1 to 100.', { min: 1, max: 100 }).default(30),
});
export type ListConversationsQuery = z.infer<typeof listConversationsQuery>;

export const listMessagesQuery = z.object({
  before: queryInt('before must be a message sequence number.', { min: 1 }).optional(),
  limit: queryInt('Limit must be a whole number from 1 to 200.', { min: 1, max: 200 }).default(50),
});
export type ListMessagesQuery = z.infer<typeof listMessagesQuery>;

export const sendMessageBody = z.strictObject({
  text: z
    .string({ error: 'Enter a message.' })
    .max(4096, 'A WhatsApp message can be at most 4,096 characters.')
    .refine((t) => t.trim().length > 0, 'Enter a message.'),
});
export type SendMessageInput = z.infer<typeof sendMessageBody>;

export const updateConversationBody = z
  .strictObject(
    {
      assigneeId: z.uuid('Choose a member of this workspace.').nullable().optional(),
      botPaused: z.boolean({ error: 'botPaused must be true or false.' }).optional(),
      status: z.enum(['open', 'resolved'], { error: "Status must be 'open' or 'resolved'." }).optional(),
    },
    { error: (iss) => (iss.code === 'unrecognized_keys' ? `Cannot change ${iss.keys.join(', ')}.` : undefined) },
  )
  .refine((v) => Object.keys(v).length > 0, 'Nothing to update.');
export type UpdateConversationInput = z.infer<typeof updateConversationBody>;
