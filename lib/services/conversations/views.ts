import type { Conversation, Message } from '@/lib/db/schema';
import type { ChatMessage, ConversationStatus, ConversationUpdatedPayload } from '@/lib/realtime/events';

/** A conversation as the API returns it and the inbox list renders it. */
export interface ConversationView {
  id: string;
  workspaceId: string;
  botId: string;
  contactPhone: string;
  contactName: string | null;
  lastMessage: ConversationUpdatedPayload['lastMessage'];
  lastActivityAt: string;
  unreadCount: number;
  assigneeId: string | null;
  botPaused: boolean;
  needsHuman: boolean;
  status: ConversationStatus;
  createdAt: string;
  /** Orders two copies of the same conversation (an HTTP answer and a push): the later wins. */
  updatedAt: string;
}

export interface ConversationPage {
  conversations: ConversationView[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export interface MessagePage {
  /** Oldest first within the page. */
  messages: ChatMessage[];
  /** Pass as `before` for older messages; null when this page reaches the first message. */
  nextBefore: number | null;
}

/** Unread counts per conversation with unread messages (the sidebar badge and tab title). */
export interface UnreadSummary {
  total: number;
  conversations: Record<string, number>;
}

export function toConversationView(c: Conversation): ConversationView {
  return {
    id: c.id,
    workspaceId: c.workspaceId,
    botId: c.botId,
    contactPhone: c.contactPhone,
    contactName: c.contactName,
    lastMessage:
      c.lastMessageBody !== null && c.lastMessageDirection
        ? {
            body: c.lastMessageBody,
            direction: c.lastMessageDirection,
            author: c.lastMessageAuthor ?? (c.lastMessageDirection === 'in' ? 'contact' : 'bot'),
            authorUserId: c.lastMessageAuthorUserId,
            at: c.lastActivityAt.toISOString(),
          }
        : null,
    lastActivityAt: c.lastActivityAt.toISOString(),
    unreadCount: c.unreadCount,
    assigneeId: c.assigneeId,
    botPaused: c.botPaused,
    needsHuman: c.needsHuman,
    status: c.status,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function toChatMessage(m: Message): ChatMessage {
  return {
    id: m.id,
    seq: m.seq,
    conversationId: m.conversationId,
    externalId: m.externalId,
    direction: m.direction,
    type: m.type,
    body: m.body,
    status: m.status,
    author: m.author,
    authorUserId: m.authorUserId,
    error: m.error,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}

export function toConversationUpdated(c: Conversation, timestamp: string): ConversationUpdatedPayload {
  const view = toConversationView(c);
  return {
    conversationId: view.id,
    botId: view.botId,
    lastMessage: view.lastMessage,
    unreadCount: view.unreadCount,
    assigneeId: view.assigneeId,
    botPaused: view.botPaused,
    status: view.status,
    timestamp,
    workspaceId: view.workspaceId,
    contactPhone: view.contactPhone,
    contactName: view.contactName,
    needsHuman: view.needsHuman,
    lastActivityAt: view.lastActivityAt,
    updatedAt: view.updatedAt,
  };
}

/** The inverse, for the client: a pushed update is a whole conversation row. */
export function conversationFromUpdate(p: ConversationUpdatedPayload, createdAt?: string): ConversationView {
  return {
    id: p.conversationId,
    workspaceId: p.workspaceId,
    botId: p.botId,
    contactPhone: p.contactPhone,
    contactName: p.contactName,
    lastMessage: p.lastMessage,
    lastActivityAt: p.lastActivityAt,
    unreadCount: p.unreadCount,
    assigneeId: p.assigneeId ?? null,
    botPaused: p.botPaused,
    needsHuman: p.needsHuman,
    status: p.status,
    createdAt: createdAt ?? p.lastActivityAt,
    updatedAt: p.updatedAt,
  };
}
