import type { Logger } from 'pino';
import type { Env } from '@/lib/env';
import type { DeliveryReceipt, MessagingControl } from '@/lib/messaging/messaging-control';
import { sendCloudText } from '@/lib/services/cloud-api/send-cloud-text';
import { applyMessageStatus } from '@/lib/services/conversations/apply-message-status';
import { ingestInbound } from '@/lib/services/conversations/ingest-inbound';
import type { MessageDeliveryStatus } from '@/lib/realtime/events';
import type { InboundMessage } from '../whatsapp/engine';
import { BotRunner } from './bot-runner';
import { SendQueue, type SendQueueOptions, type SendTarget } from './send-queue';

const EARLY_RECEIPT_TTL_MS = 60_000;
const EARLY_RECEIPT_MAX = 10_000;

export interface Messaging {
  control: MessagingControl;
  queue: SendQueue;
  bots: BotRunner;
  /** Session manager sink: an inbound WhatsApp Web message. */
  onMessage(bot: { botId: string; workspaceId: string }, message: InboundMessage): Promise<void>;
  /** Session manager sink: a receipt for a message the bot sent. */
  onMessageStatus(botId: string, externalId: string, status: MessageDeliveryStatus): Promise<void>;
}

/**
 * The messaging runtime of one server process: inbound → store → bot engine; outbound → the
 * send queue → the bot's channel (the WhatsApp Web session here, or the Cloud API).
 */
export function createMessaging(opts: {
  config: Pick<Env, 'SEND_MIN_INTERVAL_MS' | 'SEND_MAX_ATTEMPTS'>;
  log: Logger;
  sendWeb(botId: string, to: string, text: string): Promise<{ externalId: string }>;
  /** Several nodes: hands a WhatsApp Web message to the node running its bot's session (see SendQueue). */
  handOff?: SendQueueOptions['handOff'];
}): Messaging {
  const log = opts.log.child({ component: 'messaging' });
  // A receipt can beat the send's own bookkeeping (the phone answers, or Meta's webhook arrives,
  // before the row has its WhatsApp id): keep it briefly and apply it once the id is stored.
  const early = new Map<string, { receipt: DeliveryReceipt; at: number }[]>();

  const applyReceipt = async (receipt: DeliveryReceipt): Promise<boolean> => {
    if (await applyMessageStatus(receipt)) return true;
    const now = Date.now();
    for (const [k, list] of early) if (now - (list[0]?.at ?? 0) > EARLY_RECEIPT_TTL_MS) early.delete(k);
    if (early.size >= EARLY_RECEIPT_MAX) return false; // e.g. receipts for messages sent from the phone itself
    const key = `${receipt.botId}:${receipt.externalId}`;
    const held = { receipt, at: now };
    early.set(key, [...(early.get(key) ?? []), held]);
    // The send may have stored the id (and looked for held receipts) while the first try ran.
    if (!(await applyMessageStatus(receipt))) return false;
    const rest = early.get(key)?.filter((h) => h !== held);
    if (rest?.length) early.set(key, rest);
    else early.delete(key);
    return true;
  };

  const send = async (target: SendTarget) => {
    if (target.channel === 'cloud_api') return sendCloudText({ botId: target.botId, to: target.to, text: target.text });
    try {
      return await opts.sendWeb(target.botId, target.to, target.text);
    } catch (err) {
      // The bot may be reconnecting: worth another try. Its wording is for the agent.
      throw { transient: true, message: err instanceof Error ? err.message : String(err) };
    }
  };

  const queue = new SendQueue({
    log,
    minIntervalMs: opts.config.SEND_MIN_INTERVAL_MS,
    maxAttempts: opts.config.SEND_MAX_ATTEMPTS,
    send,
    handOff: opts.handOff,
    onSent: (botId, externalId) => {
      const key = `${botId}:${externalId}`;
      const waiting = early.get(key);
      if (!waiting) return;
      early.delete(key);
      void (async () => {
        for (const h of waiting) await applyMessageStatus(h.receipt);
      })().catch((err: unknown) => log.error({ err }, 'applying an early receipt failed'));
    },
  });
  const runner = new BotRunner({ log });

  return {
    queue,
    bots: runner,
    control: {
      enqueue: (ids) => queue.enqueue(ids),
      afterInbound: (items) => runner.handle(items),
      applyReceipt,
    },
    async onMessage(bot, message) {
      await ingestInbound({
        bot: { id: bot.botId, workspaceId: bot.workspaceId },
        messages: [
          { externalId: message.externalId, from: message.from, contactName: message.pushName, type: message.type, body: message.text, sentAt: message.sentAt },
        ],
      });
    },
    async onMessageStatus(botId, externalId, status) {
      await applyReceipt({ botId, externalId, status });
    },
  };
}
