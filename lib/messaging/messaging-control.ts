import type { Conversation, Message } from '@/lib/db/schema';
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

export interface MessagingControl {
  /** Queues outbound messages (status pending) for sending through their bot's engine. */
  enqueue(messageIds: readonly string[]): void;
  /** Runs the bot engine on newly stored inbound messages. Never throws. */
  afterInbound(messages: readonly IngestedMessage[]): void;
}

const slot = processSlot<MessagingControl>('messaging');

export function installMessagingControl(control: MessagingControl | undefined): void {
  slot.set(control);
}

export function findMessagingControl(): MessagingControl | undefined {
  return slot.get();
}
