import type { ZodType } from 'zod';
import { AppError } from '@/lib/errors';
import { botIdParam } from '@/lib/validation/bot';
import { conversationIdParam, messageIdParam } from '@/lib/validation/conversation';
import { inviteIdParam, userIdParam, workspaceIdParam } from '@/lib/validation/workspace';

/** A malformed id in the path is a thing that does not exist (404), not a validation error. */
function idFrom(schema: ZodType<string>, value: string | undefined, notFound: string): string {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AppError('not_found', notFound);
  return parsed.data;
}

export const botIdFrom = (params: { botId?: string }) => idFrom(botIdParam, params.botId, 'Bot not found.');
export const workspaceIdFrom = (params: { workspaceId?: string }) => idFrom(workspaceIdParam, params.workspaceId, 'Workspace not found.');
export const conversationIdFrom = (params: { conversationId?: string }) =>
  idFrom(conversationIdParam, params.conversationId, 'Conversation not found.');
export const messageIdFrom = (params: { messageId?: string }) => idFrom(messageIdParam, params.messageId, 'Message not found.');
export const userIdFrom = (params: { userId?: string }) => idFrom(userIdParam, params.userId, 'Member not found.');
export const inviteIdFrom = (params: { inviteId?: string }) => idFrom(inviteIdParam, params.inviteId, 'Invitation not found.');
