import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { getDb } from '@/lib/db';
import { bots, conversations } from '@/lib/db/schema';
import { createKeyedQueue } from '@/lib/keyed-queue';
import type { IngestedMessage } from '@/lib/messaging/messaging-control';
import { flagHandoff } from '@/lib/services/conversations/flag-handoff';
import { insertOutboundMessage } from '@/lib/services/conversations/insert-outbound-message';
import { readBotSettings } from '@/lib/validation/bot-settings';
import { decideReplies } from '../bots/decide-replies';

// Runs the bot engine on stored inbound messages: one conversation at a time, in arrival order,
// so replies never interleave and a handoff stops the replies to the messages after it.

export class BotRunner {
  private readonly lane = createKeyedQueue();

  constructor(private readonly opts: { log: Logger; now?: () => Date }) {}

  handle(items: readonly IngestedMessage[]): void {
    for (const item of items) {
      void this.lane(item.conversation.id, () => this.run(item)).catch((err: unknown) =>
        this.opts.log.error({ err, conversationId: item.conversation.id }, 'bot engine failed on a message'),
      );
    }
  }

  /** Resolves when every queued message has been handled (tests, shutdown). */
  idle(conversationId: string): Promise<void> {
    return this.lane(conversationId, async () => {});
  }

  private async run({ conversation, message, isFirstMessage }: IngestedMessage): Promise<void> {
    const db = await getDb();
    // Fresh state: an earlier message may have handed off, or an agent taken over meanwhile.
    const [row] = await db
      .select({ paused: conversations.botPaused, status: bots.status, settings: bots.settings })
      .from(conversations)
      .innerJoin(bots, eq(bots.id, conversations.botId))
      .where(eq(conversations.id, conversation.id));
    if (!row || row.paused || row.status !== 'CONNECTED') return;

    const decision = decideReplies({
      settings: readBotSettings(row.settings),
      text: message.body,
      isFirstMessage,
      now: this.opts.now?.() ?? new Date(),
    });
    if (decision.regexTimedOut) {
      this.opts.log.warn({ botId: conversation.botId }, 'an auto-reply pattern took too long and was skipped');
    }
    if (decision.handoff) {
      await flagHandoff({ conversationId: conversation.id });
      return;
    }
    for (const text of decision.replies) {
      await insertOutboundMessage({ conversationId: conversation.id, text, author: 'bot' });
    }
  }
}
