import { and, eq } from 'drizzle-orm';
import type { Principal } from '@/lib/auth/principal';
import { getDb } from '@/lib/db';
import { conversations, memberships, type Conversation } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import type { UpdateConversationInput } from '@/lib/validation/conversation';
import { findConversation } from './find-conversation';
import { publishConversation } from './publish-conversation';
import { toConversationView, type ConversationView } from './views';

/** Assign, pause/resume the bot, resolve/reopen. Someone taking it on clears "needs a human". */
export async function updateConversation(opts: {
  principal: Principal;
  conversationId: string;
  input: UpdateConversationInput;
}): Promise<ConversationView> {
  const current = await findConversation(opts);
  const { input } = opts;
  const db = await getDb();
  if (input.assigneeId) {
    const [member] = await db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, current.workspaceId), eq(memberships.userId, input.assigneeId)));
    if (!member) {
      throw new AppError('validation_failed', 'Choose a member of this workspace.', {
        details: [{ path: 'assigneeId', message: 'Not a member of this workspace.' }],
      });
    }
  }
  const patch: Partial<Conversation> = { updatedAt: new Date() };
  if (input.assigneeId !== undefined) patch.assigneeId = input.assigneeId;
  if (input.botPaused !== undefined) patch.botPaused = input.botPaused;
  if (input.status !== undefined) patch.status = input.status;
  if (input.assigneeId || input.botPaused === false || input.status === 'resolved') patch.needsHuman = false;
  const [updated] = await db.update(conversations).set(patch).where(eq(conversations.id, current.id)).returning();
  if (!updated) throw new AppError('not_found', 'Conversation not found.');
  publishConversation(updated);
  return toConversationView(updated);
}
