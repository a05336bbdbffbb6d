import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { getDb } from '@/lib/db';
import { bots, conversations, messages } from '@/lib/db/schema';
import { createKeyedQueue } from '@/lib/keyed-queue';
import { nowIso, rooms } from '@/lib/realtime/events';
import { publish } from '@/lib/realtime/publish';

// Outbound messages leave one conversation at a time, in order, at most one per
// `minIntervalMs` per contact (WhatsApp bans fast senders). Transient failures (the bot is
// reconnecting, WhatsApp or Meta unreachable, 5xx/429) are retried with backoff inside the
// conversation's lane, so a later message never overtakes an earlier one.

export interface SendTarget {
  botId: string;
  channel: 'whatsapp_web' | 'cloud_api';
  to: string;
  text: string;
}

/** Thrown by a channel: `transient` failures are retried, others fail the message at once. */
export interface SendFailure {
  transient?: boolean;
  message?: string;
}

export interface SendQueueOptions {
  log: Logger;
  minIntervalMs: number;
  maxAttempts: number;
  /** First retry delay; doubles per attempt, capped at 30 s. */
  backoffMs?: number;
  send(target: SendTarget): Promise<{ externalId: string }>;
  /** Called once a message has its WhatsApp id (receipts that raced the send are applied then). */
  onSent?(botId: string, externalId: string): void;
  /**
   * Several nodes: a WhatsApp Web message is sent by the node running its bot's session.
   * `handed`: that node's queue has it now (this one lets go); `wait`: that node cannot be
   * reached right now (Redis down): try again later without spending an attempt; `local`: send here.
   */
  handOff?(message: { id: string; botId: string; channel: SendTarget['channel'] }): Promise<'handed' | 'wait' | 'local'>;
}

const MAX_BACKOFF_MS = 30_000;
/** How long one send attempt holds its message against other queues (a sender that died lets go then). */
const CLAIM_MS = 60_000;

export class SendQueue {
  private readonly lane = createKeyedQueue();
  private readonly queued = new Set<string>();
  private readonly lastSentAt = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly opts: SendQueueOptions) {}

  enqueue(ids: readonly string[]): void {
    for (const id of ids) void this.enqueueOne(id);
  }

  /**
   * Boot (every bot), or a bot's session coming up here (one bot): pending messages from before a
   * restart or a takeover are sent now (nothing accepted is lost).
   */
  async resumePending(opts: { botId?: string } = {}): Promise<number> {
    const db = await getDb();
    const rows = await db
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.status, 'pending'), eq(messages.direction, 'out'), opts.botId ? eq(messages.botId, opts.botId) : undefined))
      .orderBy(asc(messages.seq));
    this.enqueue(rows.map((r) => r.id));
    return rows.length;
  }

  /** Messages queued or being sent. */
  get size(): number {
    return this.queued.size;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private async enqueueOne(messageId: string): Promise<void> {
    if (this.queued.has(messageId) || this.stopped) return;
    this.queued.add(messageId);
    try {
      const db = await getDb();
      const [row] = await db
        .select({ conversationId: messages.conversationId })
        .from(messages)
        .where(eq(messages.id, messageId));
      if (!row) return;
      await this.lane(row.conversationId, () => this.deliver(messageId));
    } catch (err) {
      this.opts.log.error({ err, messageId }, 'outbound message could not be processed');
    } finally {
      this.queued.delete(messageId);
    }
  }

  private async deliver(messageId: string): Promise<void> {
    const db = await getDb();
    let waits = 0;
    for (;;) {
      if (this.stopped) return;
      const [row] = await db
        .select({ message: messages, contact: conversations.contactPhone, workspaceId: conversations.workspaceId, channel: bots.channel })
        .from(messages)
        .innerJoin(conversations, eq(conversations.id, messages.conversationId))
        .innerJoin(bots, eq(bots.id, messages.botId))
        .where(eq(messages.id, messageId));
      // Gone, or already handled (a retry raced a resumed copy).
      if (!row || row.message.status !== 'pending') return;
      const { message } = row;

      const route = (await this.opts.handOff?.({ id: messageId, botId: message.botId, channel: row.channel })) ?? 'local';
      if (route === 'handed') return;
      if (route === 'wait') {
        await this.sleep(Math.min((this.opts.backoffMs ?? 1_000) * 2 ** Math.min(waits++, 5), MAX_BACKOFF_MS));
        continue;
      }

      const key = `${message.botId}:${row.contact}`;
      const wait = (this.lastSentAt.get(key) ?? 0) + this.opts.minIntervalMs - Date.now();
      if (wait > 0) await this.sleep(wait);
      if (this.stopped) return;

      // Claims this attempt: of two queues holding the same message (a node that took a bot over
      // resumes what the old one had queued), one sends; the other checks back when the claim
      // runs out (the message is sent by then, or its sender died and this one tries).
      const [claimed] = await db
        .update(messages)
        .set({ attempts: sql`${messages.attempts} + 1`, sendClaimedUntil: sql`now() + ${CLAIM_MS} * interval '1 millisecond'` })
        .where(
          and(
            eq(messages.id, messageId),
            eq(messages.status, 'pending'),
            or(isNull(messages.sendClaimedUntil), lt(messages.sendClaimedUntil, sql`now()`)),
          ),
        )
        .returning({ attempts: messages.attempts });
      if (!claimed) {
        const [other] = await db.select({ until: messages.sendClaimedUntil, status: messages.status }).from(messages).where(eq(messages.id, messageId));
        if (!other || other.status !== 'pending') return;
        await this.sleep(Math.min(Math.max((other.until?.getTime() ?? 0) - Date.now(), 50), CLAIM_MS));
        continue;
      }
      const attempt = claimed.attempts;
      let outcome: { externalId: string } | { error: SendFailure };
      try {
        outcome = await this.opts.send({ botId: message.botId, channel: row.channel, to: row.contact, text: message.body });
      } catch (err) {
        outcome = { error: (err ?? {}) as SendFailure };
      } finally {
        this.lastSentAt.set(key, Date.now());
      }

      if ('externalId' in outcome) {
        const [sent] = await db
          .update(messages)
          .set({ status: 'sent', externalId: outcome.externalId || null, error: null, sendClaimedUntil: null, updatedAt: new Date() })
          .where(and(eq(messages.id, messageId), eq(messages.status, 'pending')))
          .returning({ updatedAt: messages.updatedAt });
        if (sent) this.publishStatus(row.workspaceId, message.conversationId, message.botId, messageId, sent.updatedAt, 'sent');
        if (outcome.externalId) this.opts.onSent?.(message.botId, outcome.externalId);
        return;
      }

      const failure = outcome.error;
      const reason = (failure.message || 'Unknown error').slice(0, 300);
      const transient = failure.transient !== false;
      if (transient && attempt < this.opts.maxAttempts) {
        this.opts.log.warn({ messageId, attempt, reason }, 'send failed; retrying');
        await db.update(messages).set({ sendClaimedUntil: null }).where(eq(messages.id, messageId));
        await this.sleep(Math.min((this.opts.backoffMs ?? 1_000) * 2 ** (attempt - 1), MAX_BACKOFF_MS));
        continue;
      }
      this.opts.log.warn({ messageId, attempt, reason }, 'send failed; giving up');
      const error = transient ? `Not sent after ${attempt} attempts: ${reason}` : `Not sent: ${reason}`;
      const [failed] = await db
        .update(messages)
        .set({ status: 'failed', error, sendClaimedUntil: null, updatedAt: new Date() })
        .where(and(eq(messages.id, messageId), eq(messages.status, 'pending')))
        .returning({ updatedAt: messages.updatedAt });
      if (failed) this.publishStatus(row.workspaceId, message.conversationId, message.botId, messageId, failed.updatedAt, 'failed', error);
      return;
    }
  }

  private publishStatus(
    workspaceId: string,
    conversationId: string,
    botId: string,
    messageId: string,
    updatedAt: Date,
    status: 'sent' | 'failed',
    error?: string,
  ) {
    publish(rooms.workspace(workspaceId), 'message_status_updated', {
      conversationId,
      messageId,
      status,
      botId,
      ...(error ? { error } : {}),
      updatedAt: updatedAt.toISOString(),
      timestamp: nowIso(),
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }
}
