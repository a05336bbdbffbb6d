import type { Conversation, Message } from '@/lib/db/schema';
import type { MessageDeliveryStatus } from '@/lib/realtime/events';
import { processSlot } from '@/lib/process-slot';

// What the services need from the messaging runtime in the custom server (outbound send queue,
// bot engine). Found on globalThis like the session control, since Next bundles route handlers
// apart from server/index.ts.

export interface IngestedMessage {
  conversation: Conversation;
  message: Message;
  /** The conversation was created by this message (the contact's first message). */
  isFirstMessage: boolean;
}

/** WhatsApp's report on an outbound message, found by the id WhatsApp gave it. */
export interface DeliveryReceipt {
  botId: string;
  externalId: string;
  status: MessageDeliveryStatus;
  /** Why it failed, for the agent. */
  error?: string;
}

export interface MessagingControl {
  /** Queues outbound messages (status pending) for sending through their bot's engine. */
  enqueue(messageIds: readonly string[]): void;
  /** Runs the bot engine on newly stored inbound messages. Never throws. */
  afterInbound(messages: readonly IngestedMessage[]): void;
  /**
   * Applies a receipt (true), or holds it briefly when it beat the send's own bookkeeping (the
   * message has no WhatsApp id yet) and applies it once the id is stored (false). Throws when
   * the database does.
   */
  applyReceipt(receipt: DeliveryReceipt): Promise<boolean>;
}

const slot = processSlot<MessagingControl>('messaging');

export function installMessagingControl(control: MessagingControl | undefined): void {
  slot.set(control);
}

export function findMessagingControl(): MessagingControl | undefined {
  return slot.get();
}
