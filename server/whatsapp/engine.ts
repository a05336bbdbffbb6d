import type { Logger } from 'pino';
import type { Db } from '@/lib/db';
import type { SessionStatus } from '@/lib/realtime/events';

// One interface for every WhatsApp engine (DESIGN section 5). The session manager owns the
// lifecycle; an engine only reports what happened through `EngineEvents`.

export type ConnectMethod = 'qr' | 'pairing_code';

/** How long WhatsApp keeps a QR ref valid: the first ≈ 60 s, each later one ≈ 20 s. */
export const QR_LIFETIME_MS = { first: 60_000, next: 20_000 } as const;

export interface StatusInfo {
  reason?: string;
  phoneNumber?: string;
  displayName?: string;
}

export interface InboundMessage {
  /** WhatsApp's id for the message: inbound messages are deduplicated by it. */
  externalId: string;
  /** The contact's phone number, digits only. */
  from: string;
  /** The contact's WhatsApp profile name, when WhatsApp sent it. */
  pushName?: string;
  /** 'text', 'image', 'video', 'document', 'audio', 'sticker', … */
  type: string;
  /** The text, or a media message's caption ('' when none). */
  text: string;
  sentAt: Date;
}

export interface EngineEvents {
  qr(qrCode: string, attempt: number, expiresAt: Date): void;
  pairingCode(code: string, expiresAt: Date): void;
  status(status: SessionStatus, info?: StatusInfo): void;
  /** A failed attempt that the user may want to see (the engine may still be retrying). */
  error(code: string, message: string): void;
  message(message: InboundMessage): void;
  /** A delivery receipt for a message this bot sent. */
  messageStatus(externalId: string, status: 'sent' | 'delivered' | 'read' | 'failed'): void;
}

/**
 * Runs one write of the session's stored state (credentials, signal keys) in a transaction. With
 * session leases it is fenced: it throws, writing nothing, once this node no longer holds the bot.
 */
export type StateWriter = <T>(write: (tx: Db) => Promise<T>) => Promise<T>;

export interface StartOptions {
  botId: string;
  sessionId: string;
  method: ConnectMethod;
  /** Digits only; required for the pairing-code method. */
  phoneNumber?: string;
  events: EngineEvents;
  log: Logger;
  /** Every write of the session's auth state goes through it (default: unfenced). */
  writer?: StateWriter;
}

export interface EngineSession {
  /** Closes the connection and keeps the credentials (shutdown, or a new attempt). */
  stop(): Promise<void>;
  /** Unlinks the device from the phone when connected, then forgets the credentials. */
  logout(): Promise<void>;
  sendText(to: string, text: string): Promise<{ externalId: string }>;
}

export interface WhatsAppEngine {
  readonly name: 'baileys' | 'simulator';
  start(opts: StartOptions): EngineSession;
  /** True when stored credentials can reconnect without a new scan (restore at boot). */
  isLinked(botId: string): Promise<boolean>;
  /** Forgets a bot's credentials. */
  wipe(botId: string, writer?: StateWriter): Promise<void>;
}

/** Digits only: "+1 (555) 010-2000" → "15550102000". */
export function normalizePhone(input: string): string {
  return input.replace(/\D/g, '');
}

/** "15551234567:12@s.whatsapp.net" → "15551234567" (the part before the device and the server). */
export function phoneFromJid(jid: string | undefined | null): string | undefined {
  if (!jid) return undefined;
  const user = jid.split('@')[0]?.split(':')[0];
  return user && /^\d+$/.test(user) ? user : undefined;
}
