import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

// DESIGN section 6. Tables arrive with the issue that needs them.

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // Stored lower-cased and trimmed, so the unique index is case-insensitive in effect.
    email: text('email').notNull(),
    name: text('name').notNull(),
    // scrypt, self-describing (see lib/auth/password.ts); null for users of an external provider.
    passwordHash: text('password_hash'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('users_email_key').on(t.email)],
);

export const workspaces = pgTable('workspaces', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const membershipRole = pgEnum('membership_role', ['owner', 'admin', 'agent']);

export const memberships = pgTable(
  'memberships',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: membershipRole('role').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] }), index('memberships_user_idx').on(t.userId)],
);

/**
 * Invitations to a workspace. Only a SHA-256 of the link's token is stored (like session cookies),
 * so neither a database leak nor a log line can be turned into a usable link. An invite is bound
 * to one email address, expires, and is used at most once (`accepted_at`); the partial unique index
 * keeps one pending invite per address and workspace (a new one replaces the old).
 */
export const invites = pgTable(
  'invites',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    // Lower-cased and trimmed, like users.email.
    email: text('email').notNull(),
    role: membershipRole('role').notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    acceptedBy: uuid('accepted_by').references(() => users.id, { onDelete: 'set null' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('invites_token_hash_key').on(t.tokenHash),
    index('invites_workspace_idx').on(t.workspaceId, t.createdAt),
    uniqueIndex('invites_pending_email_key').on(t.workspaceId, t.email).where(sql`accepted_at is null and revoked_at is null`),
    // Ownership is never handed out by link: owners promote members instead.
    check('invites_role_not_owner', sql`${t.role} <> 'owner'`),
  ],
);

/** Browser sessions. Only a SHA-256 of the cookie value is stored, so a database leak is no login. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    /**
     * For a session exchanged from a Clerk or Firebase token: that provider sign-in (e.g.
     * `clerk:sess_…`). Signing out here also refuses and disconnects that sign-in's tokens.
     */
    providerSessionKey: text('provider_session_key'),
  },
  (t) => [
    uniqueIndex('sessions_token_hash_key').on(t.tokenHash),
    index('sessions_user_idx').on(t.userId),
    index('sessions_expires_idx').on(t.expiresAt).where(sql`revoked_at is null`),
    index('sessions_provider_session_idx').on(t.providerSessionKey).where(sql`provider_session_key is not null`),
  ],
);

/**
 * Who a Clerk or Firebase account is here: (provider, the provider's user id) → one Parley user.
 * The primary key is what keeps two racing first sign-ins from creating two users.
 */
export const userIdentities = pgTable(
  'user_identities',
  {
    provider: text('provider').notNull(),
    subject: text('subject').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.subject], name: 'user_identities_pkey' }), index('user_identities_user_idx').on(t.userId)],
);

export const botChannel = pgEnum('bot_channel', ['whatsapp_web', 'cloud_api']);

export const sessionStatus = pgEnum('session_status', [
  'DISCONNECTED',
  'STARTING',
  'QR_REQUIRED',
  'CONNECTED',
  'RECONNECTING',
  'LOGGED_OUT',
  'ERROR',
]);

export const bots = pgTable(
  'bots',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    channel: botChannel('channel').notNull().default('whatsapp_web'),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    status: sessionStatus('status').notNull().default('DISCONNECTED'),
    statusReason: text('status_reason'),
    // The current connection attempt; out-of-process workers address their webhook by it.
    sessionId: uuid('session_id'),
    phoneNumber: text('phone_number'),
    displayName: text('display_name'),
    lastConnectedAt: timestamp('last_connected_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('bots_workspace_idx').on(t.workspaceId, t.createdAt), uniqueIndex('bots_session_id_key').on(t.sessionId)],
);

/**
 * WhatsApp Web credentials and signal keys, one row per (bot, kind, key id); kind 'creds' holds
 * the account itself. `data` is AES-256-GCM ciphertext (lib/secrets/encryption.ts), never plaintext.
 */
export const whatsappAuth = pgTable(
  'whatsapp_auth',
  {
    botId: uuid('bot_id')
      .notNull()
      .references(() => bots.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    keyId: text('key_id').notNull(),
    data: text('data').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.kind, t.keyId] })],
);

/** Status history per bot: every session status change, in order. */
export const sessionEvents = pgTable(
  'session_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    botId: uuid('bot_id')
      .notNull()
      .references(() => bots.id, { onDelete: 'cascade' }),
    sessionId: uuid('session_id').notNull(),
    status: sessionStatus('status').notNull(),
    reason: text('reason'),
    phoneNumber: text('phone_number'),
    createdAt: createdAt(),
  },
  (t) => [index('session_events_bot_idx').on(t.botId, t.id)],
);

/**
 * Which node runs a bot's WhatsApp session (README "Running several nodes"). A node holds the
 * lease while `expires_at` is in the future and renews it; another node may take it only once
 * it has expired. `epoch` grows with every acquisition: it is the fencing token every write of
 * the session is checked against. The row exists while the session should run somewhere.
 */
export const sessionLeases = pgTable(
  'session_leases',
  {
    botId: uuid('bot_id')
      .primaryKey()
      .references(() => bots.id, { onDelete: 'cascade' }),
    owner: text('owner').notNull(),
    epoch: bigint('epoch', { mode: 'number' }).notNull(),
    acquiredAt: timestamp('acquired_at', { withTimezone: true }).notNull(),
    renewedAt: timestamp('renewed_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('session_leases_expires_idx').on(t.expiresAt)],
);

/**
 * One row per lease tenure (bot, epoch): who held it, from when, until when it was last renewed
 * to (`expires_at`) or given back (`released_at`). Two tenures of a bot never overlap.
 */
export const sessionLeaseEvents = pgTable(
  'session_lease_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    botId: uuid('bot_id')
      .notNull()
      .references(() => bots.id, { onDelete: 'cascade' }),
    epoch: bigint('epoch', { mode: 'number' }).notNull(),
    owner: text('owner').notNull(),
    previousOwner: text('previous_owner'),
    /** restore (boot), connect, takeover (an expired lease of another node), … */
    reason: text('reason').notNull(),
    acquiredAt: timestamp('acquired_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    releasedAt: timestamp('released_at', { withTimezone: true }),
    /** released (shutdown: another node may take over), ended (the session stopped), lost, … */
    endReason: text('end_reason'),
  },
  (t) => [uniqueIndex('session_lease_events_bot_epoch_key').on(t.botId, t.epoch)],
);

/** Idempotency for inbound webhooks: a delivery seen once is acknowledged again but not re-applied. */
export const webhookDeliveries = pgTable('webhook_deliveries', {
  id: text('id').primaryKey(),
  source: text('source').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A Cloud API bot's Meta credentials. The access token and app secret are AES-256-GCM ciphertext
 * bound to the bot; the verify token is kept only as a SHA-256 (it is compared, never shown).
 */
export const cloudApiAccounts = pgTable(
  'cloud_api_accounts',
  {
    botId: uuid('bot_id')
      .primaryKey()
      .references(() => bots.id, { onDelete: 'cascade' }),
    phoneNumberId: text('phone_number_id').notNull(),
    accessToken: text('access_token').notNull(),
    appSecret: text('app_secret').notNull(),
    verifyTokenHash: text('verify_token_hash').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('cloud_api_accounts_phone_number_id_key').on(t.phoneNumberId), index('cloud_api_accounts_verify_idx').on(t.verifyTokenHash)],
);

export const conversationStatus = pgEnum('conversation_status', ['open', 'resolved']);
export const messageDirection = pgEnum('message_direction', ['in', 'out']);
export const messageStatus = pgEnum('message_status', ['pending', 'sent', 'delivered', 'read', 'failed']);
export const messageAuthor = pgEnum('message_author', ['contact', 'bot', 'agent']);

/** One conversation per (bot, contact phone). Counters are updated in the same transaction as the message. */
export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    botId: uuid('bot_id')
      .notNull()
      .references(() => bots.id, { onDelete: 'cascade' }),
    /** Digits only, with country code. */
    contactPhone: text('contact_phone').notNull(),
    contactName: text('contact_name'),
    lastMessageBody: text('last_message_body'),
    lastMessageDirection: messageDirection('last_message_direction'),
    /** Who wrote the last message: the list shows "Bot:" / "You:" / an agent's name before it. */
    lastMessageAuthor: messageAuthor('last_message_author'),
    lastMessageAuthorUserId: uuid('last_message_author_user_id'),
    /** Newest activity; the inbox sorts and paginates by (last_activity_at desc, id desc). */
    lastActivityAt: timestamp('last_activity_at', { withTimezone: true }).notNull().defaultNow(),
    unreadCount: integer('unread_count').notNull().default(0),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    botPaused: boolean('bot_paused').notNull().default(false),
    /** The contact asked for a person (handoff keyword) and nobody has answered yet. */
    needsHuman: boolean('needs_human').notNull().default(false),
    status: conversationStatus('status').notNull().default('open'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('conversations_bot_contact_key').on(t.botId, t.contactPhone),
    index('conversations_workspace_activity_idx').on(t.workspaceId, t.lastActivityAt.desc(), t.id.desc()),
  ],
);

/** Messages in and out. `seq` orders a thread (it only grows), `(bot_id, external_id)` deduplicates deliveries. */
export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    botId: uuid('bot_id')
      .notNull()
      .references(() => bots.id, { onDelete: 'cascade' }),
    /** WhatsApp's id: set on arrival for inbound, after the send for outbound. */
    externalId: text('external_id'),
    direction: messageDirection('direction').notNull(),
    type: text('type').notNull().default('text'),
    body: text('body').notNull().default(''),
    status: messageStatus('status').notNull(),
    author: messageAuthor('author').notNull(),
    authorUserId: uuid('author_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** Why the last send failed, in words for the agent. */
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    /**
     * An outbound message being sent right now: the send queue that claimed it (on any node) has
     * it until then; nobody else sends it meanwhile. Cleared when the attempt ends.
     */
    sendClaimedUntil: timestamp('send_claimed_until', { withTimezone: true }),
    /** WhatsApp's timestamp for inbound messages. */
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('messages_bot_external_key').on(t.botId, t.externalId),
    index('messages_conversation_seq_idx').on(t.conversationId, t.seq),
    index('messages_bot_created_idx').on(t.botId, t.createdAt),
    index('messages_pending_idx').on(t.status).where(sql`status = 'pending'`),
  ],
);

export type User = typeof users.$inferSelect;
export type Workspace = typeof workspaces.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type MembershipRole = (typeof membershipRole.enumValues)[number];
export type Session = typeof sessions.$inferSelect;
export type Invite = typeof invites.$inferSelect;
export type Bot = typeof bots.$inferSelect;
export type BotChannel = (typeof botChannel.enumValues)[number];
export type SessionEvent = typeof sessionEvents.$inferSelect;
export type SessionLeaseEvent = typeof sessionLeaseEvents.$inferSelect;
export type CloudApiAccount = typeof cloudApiAccounts.$inferSelect;
export type Conversation = typeof conversations.$inferSelect;
export type Message = typeof messages.$inferSelect;
