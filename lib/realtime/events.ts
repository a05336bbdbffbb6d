// The realtime contract (DESIGN.md section 2), imported by the server and the browser alike.
// Every server→client payload carries an ISO-8601 `timestamp`.

import type { MembershipRole } from '@/lib/db/schema';
import type { ErrorCode } from '@/lib/errors';

export type SessionStatus =
  | 'DISCONNECTED'
  | 'STARTING'
  | 'QR_REQUIRED'
  | 'CONNECTED'
  | 'RECONNECTING'
  | 'LOGGED_OUT'
  | 'ERROR';

export interface SessionSnapshot {
  botId: string;
  sessionId: string;
  status: SessionStatus;
  qrCode?: string;
  qrExpiresAt?: string;
  pairingCode?: string;
  phoneNumber?: string;
  displayName?: string;
}

export type MessageDeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface ConnectedPayload {
  userId: string;
  workspaceIds: string[];
  timestamp: string;
}

export interface QrCodeUpdatedPayload {
  botId: string;
  sessionId: string;
  qrCode: string;
  status: 'QR_REQUIRED';
  expiresAt: string;
  attempt: number;
  timestamp: string;
}

export interface PairingCodeUpdatedPayload {
  botId: string;
  sessionId: string;
  code: string;
  expiresAt: string;
  timestamp: string;
}

export interface SessionStatusChangedPayload {
  botId: string;
  sessionId: string;
  status: SessionStatus;
  phoneNumber?: string;
  displayName?: string;
  reason?: string;
  timestamp: string;
}

export interface ConnectionErrorPayload {
  botId: string;
  sessionId: string;
  code: string;
  error: string;
  timestamp: string;
}

export interface BotStatusUpdatePayload {
  botId: string;
  /** Beyond DESIGN: whose bot, so a tab showing one workspace ignores the others' bots. */
  workspaceId: string;
  name: string;
  status: SessionStatus;
  phoneNumber?: string;
  displayName?: string;
  stats: Record<string, number>;
  timestamp: string;
}

export interface MessageStatusUpdatedPayload {
  conversationId: string;
  messageId: string;
  /** Beyond DESIGN's four: 'pending' when a failed message is sent again. */
  status: 'pending' | MessageDeliveryStatus;
  timestamp: string;
  /** Beyond DESIGN: which bot, and why a send failed (for "failed — retry"). */
  botId: string;
  error?: string;
  /** The row's updatedAt after this change (see ChatMessage.updatedAt). */
  updatedAt: string;
}

/** Not in DESIGN section 2's table yet: a workspace was renamed (settings page → every member's header). */
export interface WorkspaceUpdatedPayload {
  workspaceId: string;
  name: string;
  timestamp: string;
}

/** Not in DESIGN section 2's table yet: a bot was deleted, so dashboards drop it without a refetch. */
export interface BotDeletedPayload {
  botId: string;
  workspaceId: string;
  timestamp: string;
}

/**
 * Not in DESIGN section 2's table yet: the receiving user's membership changed (sent to
 * `user:{id}`). By the time it arrives the server has already moved the user's sockets: joined
 * `workspace:{id}` (added), or left it and that workspace's `session:{botId}` rooms (removed; an
 * agent also leaves the session rooms, which carry QR codes). `role: null` = no longer a member.
 */
export interface MembershipChangedPayload {
  workspaceId: string;
  workspaceName: string;
  role: MembershipRole | null;
  reason: 'added' | 'role_changed' | 'removed' | 'left';
  timestamp: string;
}

/**
 * Not in DESIGN section 2's table yet: someone joined, left, was removed or changed role in the
 * workspace (to `workspace:{id}`), so open member lists refetch.
 */
export interface MembersChangedPayload {
  workspaceId: string;
  timestamp: string;
}

export type MessageDirection = 'in' | 'out';
export type MessageAuthor = 'contact' | 'bot' | 'agent';

/** A message as the inbox shows it (DESIGN section 6). */
export interface ChatMessage {
  id: string;
  /** Orders a thread: it only grows, so "older than" pagination is stable under inserts. */
  seq: number;
  conversationId: string;
  externalId: string | null;
  direction: MessageDirection;
  /** 'text', 'image', 'audio', 'video', 'document', 'sticker', 'location', … */
  type: string;
  /** The text, or a media message's caption ('' when it has none). */
  body: string;
  status: 'pending' | MessageDeliveryStatus;
  author: MessageAuthor;
  authorUserId: string | null;
  /** Why the last send failed, for the agent. */
  error: string | null;
  createdAt: string;
  /** Orders two copies of one message (an HTTP answer and a push): the later one is the truth. */
  updatedAt: string;
}

export interface NewMessagePayload {
  conversationId: string;
  botId: string;
  message: ChatMessage;
  timestamp: string;
}

export type ConversationStatus = 'open' | 'resolved';

export interface ConversationUpdatedPayload {
  conversationId: string;
  botId: string;
  /** Beyond DESIGN: `author`/`authorUserId`, for the list's "Bot:" / "You:" prefix. */
  lastMessage: { body: string; direction: MessageDirection; author: MessageAuthor; authorUserId: string | null; at: string } | null;
  unreadCount: number;
  assigneeId?: string | null;
  botPaused: boolean;
  status: ConversationStatus;
  timestamp: string;
  // Beyond DESIGN section 2's fields: enough to render a conversation the client has not loaded
  // yet (a new contact), so a new conversation never costs a fetch.
  workspaceId: string;
  contactPhone: string;
  contactName: string | null;
  /** The contact asked for a person (handoff keyword) and no agent has answered yet. */
  needsHuman: boolean;
  lastActivityAt: string;
  updatedAt: string;
}

/** The three inbox events, as one union (the client's onMessageSync handler and its replay buffer). */
export type MessageSyncEvent =
  | { type: 'new_message'; payload: NewMessagePayload }
  | { type: 'conversation_updated'; payload: ConversationUpdatedPayload }
  | { type: 'message_status_updated'; payload: MessageStatusUpdatedPayload };

export interface ServerToClientEvents {
  connected: (payload: ConnectedPayload) => void;
  qr_code_updated: (payload: QrCodeUpdatedPayload) => void;
  pairing_code_updated: (payload: PairingCodeUpdatedPayload) => void;
  session_status_changed: (payload: SessionStatusChangedPayload) => void;
  connection_error: (payload: ConnectionErrorPayload) => void;
  bot_status_update: (payload: BotStatusUpdatePayload) => void;
  workspace_updated: (payload: WorkspaceUpdatedPayload) => void;
  bot_deleted: (payload: BotDeletedPayload) => void;
  membership_changed: (payload: MembershipChangedPayload) => void;
  members_changed: (payload: MembersChangedPayload) => void;
  new_message: (payload: NewMessagePayload) => void;
  conversation_updated: (payload: ConversationUpdatedPayload) => void;
  message_status_updated: (payload: MessageStatusUpdatedPayload) => void;
}

export type ServerEventName = keyof ServerToClientEvents;
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } };

/** Client→server events. Each acks with `Ack<T>`. */
export interface ClientToServerEvents {
  subscribe_session: (payload: { botId: string }, ack: (res: Ack<SessionSnapshot>) => void) => void;
  unsubscribe_session: (payload: { botId: string }, ack: (res: Ack<{ botId: string }>) => void) => void;
  trigger_whatsapp_connection: (
    payload: { botId: string; method: 'qr' | 'pairing_code'; phoneNumber?: string },
    ack: (res: Ack<SessionSnapshot>) => void,
  ) => void;
  disconnect_whatsapp: (payload: { botId: string }, ack: (res: Ack<SessionSnapshot>) => void) => void;
  /**
   * Not in DESIGN section 2's table yet: hands the connection a fresh token before the old one
   * expires, so a long-lived tab keeps its socket (and its rooms) instead of reconnecting.
   */
  refresh_token: (payload: { token: string }, ack: (res: Ack<{ expiresAt: string }>) => void) => void;
}

// Room names, in one place so nobody spells them twice.
export const rooms = {
  user: (userId: string) => `user:${userId}`,
  workspace: (workspaceId: string) => `workspace:${workspaceId}`,
  session: (botId: string) => `session:${botId}`,
  /** Every socket opened with one sign-in (a Parley browser session, or a Clerk/Firebase sign-in), so signing out can close them. */
  authSession: (sessionId: string) => `auth:${sessionId}`,
} as const;

export function nowIso(): string {
  return new Date().toISOString();
}

/** Drops undefined fields, so payloads carry the contract's optional keys only when they have a value. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
