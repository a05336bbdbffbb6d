import type { Bot } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { processSlot } from '@/lib/process-slot';
import type { SessionSnapshot, SessionStatus } from '@/lib/realtime/events';

// What route handlers and socket handlers may ask of the WhatsApp session manager, which lives
// in the custom server process. Like the realtime facade it is found on globalThis, because
// Next bundles route handlers apart from server/index.ts.

export type ConnectMethod = 'qr' | 'pairing_code';

export interface ExternalSessionUpdate {
  status: SessionStatus;
  qrCode?: string;
  phoneNumber?: string;
  displayName?: string;
  reason?: string;
}

export type SimulatedDisconnect = 'logged_out' | 'connection_replaced' | 'connection_lost' | 'outdated_version';

type MaybePromise<T> = T | Promise<T>;

/** The simulator as route handlers reach it: maybe on this node, maybe forwarded to the node running the bot's session. */
export interface SimulatorCommands {
  scan(botId: string, phone?: { phoneNumber?: string; displayName?: string }): MaybePromise<{ phoneNumber: string; displayName: string }>;
  message(botId: string, msg: { from: string; name?: string; text: string }): MaybePromise<{ externalId: string }>;
  disconnect(botId: string, reason: SimulatedDisconnect): MaybePromise<void>;
  outbox(botId: string): MaybePromise<{ to: string; text: string; id: string }[]>;
}

/** The simulated phones of this process. */
export interface SimulatorControl extends SimulatorCommands {
  scan(botId: string, phone?: { phoneNumber?: string; displayName?: string }): { phoneNumber: string; displayName: string };
  message(botId: string, msg: { from: string; name?: string; text: string }): { externalId: string };
  disconnect(botId: string, reason: SimulatedDisconnect): void;
  /** What the bot sent through the simulated phone (oldest first). */
  outbox(botId: string): { to: string; text: string; id: string }[];
}

export interface SessionControl {
  readonly engineName: 'baileys' | 'simulator';
  connect(bot: Bot, opts: { method: ConnectMethod; phoneNumber?: string }): Promise<SessionSnapshot>;
  /** Unlinks the device and forgets its credentials; the bot stays. */
  logout(bot: Bot): Promise<SessionSnapshot>;
  /** Stops the session and wipes its credentials (the bot is being deleted). */
  remove(botId: string): Promise<void>;
  /** The session as this node knows it: live here, else the stored row (lists, bot views). */
  snapshot(bot: Bot): SessionSnapshot;
  /** The session as the node running it knows it, QR code included (asked over Redis when that is another node). */
  liveSnapshot(bot: Bot): Promise<SessionSnapshot>;
  /** A status report from an out-of-process worker (signed webhook). */
  applyExternal(bot: Bot, update: ExternalSessionUpdate): Promise<SessionSnapshot>;
  /** Present only when WHATSAPP_ENGINE=simulator. */
  readonly simulator?: SimulatorCommands;
}

const slot = processSlot<SessionControl>('sessions');

export function installSessionControl(control: SessionControl | undefined): void {
  slot.set(control);
}

export function findSessionControl(): SessionControl | undefined {
  return slot.get();
}

export function sessionControl(): SessionControl {
  const control = findSessionControl();
  if (!control) throw new AppError('service_unavailable', 'WhatsApp sessions are not running in this process. Start Parley with `npm start` or `npm run dev`.');
  return control;
}
