import { inArray, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { getDb } from '@/lib/db';
import { retryUnreached } from '@/lib/db/retry-unreached';
import { bots, conversations } from '@/lib/db/schema';
import { createKeyedQueue } from '@/lib/keyed-queue';
import type { IngestedMessage } from '@/lib/messaging/messaging-control';
import { flagHandoff } from '@/lib/services/conversations/flag-handoff';
import { insertOutboundMessage } from '@/lib/services/conversations/insert-outbound-message';
import { readBotSettings } from '@/lib/validation/bot-settings';
import { decideReplies } from '../bots/decide-replies';

// Runs the bot engine on stored inbound messages: one conversation at a time, in arrival order,
// so replies never interleave and a handoff stops the replies to the messages after it. The
// messages are stored already: a database that cannot be reached for a moment (a pool running
// dry in a burst) delays the replies instead of skipping them.

interface ConversationState {
  paused: boolean;
  status: string;
  settings: unknown;
}

export class BotRunner {
  private readonly lane = createKeyedQueue();
  /** State reads asked for in the same turn of the event loop, answered by one query. */
  private reads = new Map<string, { resolve(s: ConversationState | undefined): void; reject(err: unknown): void }[]>();

  constructor(private readonly opts: { log: Logger; now?: () => Date; retryDelaysMs?: readonly number[] }) {}

  private retry<T>(fn: () => Promise<T>, what: string, conversationId: string): Promise<T> {
    return retryUnreached(fn, {
      delaysMs: this.opts.retryDelaysMs,
      onRetry: (err, attempt) => this.opts.log.warn({ err, conversationId, attempt }, `bot engine: database unreachable for ${what}, retrying`),
    });
  }

  handle(items: readonly IngestedMessage[]): void {
    // A batch's messages per conversation, in order: one state read for each conversation's run.
    const byConversation = new Map<string, IngestedMessage[]>();
    for (const item of items) {
      const list = byConversation.get(item.conversation.id);
      if (list) list.push(item);
      else byConversation.set(item.conversation.id, [item]);
    }
    for (const [conversationId, list] of byConversation) {
      void this.lane(conversationId, () => this.run(conversationId, list)).catch((err: unknown) =>
        this.opts.log.error({ err, conversationId }, 'bot engine failed on a message'),
      );
    }
  }

  /** Resolves when every queued message has been handled (tests, shutdown). */
  idle(conversationId: string): Promise<void> {
    return this.lane(conversationId, async () => {});
  }

  private async run(conversationId: string, list: readonly IngestedMessage[]): Promise<void> {
    // Fresh state, read once this conversation's earlier work is done: an earlier message may
    // have handed off, or an agent taken over meanwhile.
    const row = await this.readState(conversationId);
    if (!row || row.paused || row.status !== 'CONNECTED') return;
    const settings = readBotSettings(row.settings);

    for (const { conversation, message, isFirstMessage } of list) {
      const decision = decideReplies({ settings, text: message.body, isFirstMessage, now: this.opts.now?.() ?? new Date() });
      if (decision.regexTimedOut) {
        this.opts.log.warn({ botId: conversation.botId }, 'an auto-reply pattern took too long and was skipped');
      }
      if (decision.handoff) {
        // Paused from here on: the messages after it in this batch get no replies either.
        await this.retry(() => flagHandoff({ conversationId }), 'the handoff', conversationId);
        return;
      }
      for (const text of decision.replies) {
        await this.retry(() => insertOutboundMessage({ conversationId, text, author: 'bot' }), 'a reply', conversationId);
      }
    }
  }

  private readState(conversationId: string): Promise<ConversationState | undefined> {
    return new Promise((resolve, reject) => {
      if (this.reads.size === 0) setImmediate(() => void this.flushReads());
      const waiting = this.reads.get(conversationId);
      if (waiting) waiting.push({ resolve, reject });
      else this.reads.set(conversationId, [{ resolve, reject }]);
    });
  }

  private async flushReads(): Promise<void> {
    const batch = this.reads;
    this.reads = new Map();
    if (batch.size === 0) return;
    try {
      const ids = [...batch.keys()];
      const rows = await this.retry(
        async () =>
          (await getDb())
            .select({ id: conversations.id, paused: conversations.botPaused, status: bots.status, settings: bots.settings })
            .from(conversations)
            .innerJoin(bots, eq(bots.id, conversations.botId))
            .where(inArray(conversations.id, ids)),
        'the conversation state',
        ids.join(','),
      );
      const found = new Map(rows.map((r) => [r.id, r]));
      for (const [id, waiting] of batch) for (const w of waiting) w.resolve(found.get(id));
    } catch (err) {
      for (const waiting of batch.values()) for (const w of waiting) w.reject(err);
    }
  }
}
