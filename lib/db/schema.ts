import { sql } from 'drizzle-orm';
import { bigserial, index, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

// DESIGN section 6. Tables arrive with the issue that needs them; this is the foundation's set.

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
  },
  (t) => [
    uniqueIndex('sessions_token_hash_key').on(t.tokenHash),
    index('sessions_user_idx').on(t.userId),
    index('sessions_expires_idx').on(t.expiresAt).where(sql`revoked_at is null`),
  ],
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

/** Idempotency for inbound webhooks: a delivery seen once is acknowledged again but not re-applied. */
export const webhookDeliveries = pgTable('webhook_deliveries', {
  id: text('id').primaryKey(),
  source: text('source').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
});

export type User = typeof users.$inferSelect;
export type Workspace = typeof workspaces.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type MembershipRole = (typeof membershipRole.enumValues)[number];
export type Session = typeof sessions.$inferSelect;
export type Bot = typeof bots.$inferSelect;
export type BotChannel = (typeof botChannel.enumValues)[number];
export type SessionEvent = typeof sessionEvents.$inferSelect;
