import type { Principal } from '@/lib/auth/principal';
import type { SessionSnapshot } from '@/lib/realtime/events';
import type { ConnectBotInput } from '@/lib/validation/bot';
import { sessionControl } from '@/lib/whatsapp/session-control';
import { findBot } from './find-bot';

/** Starts linking (QR or pairing code); the QR itself arrives on `session:{botId}`. */
export async function connectBot(opts: { principal: Principal; botId: string; input: ConnectBotInput }): Promise<SessionSnapshot> {
  const bot = await findBot({ principal: opts.principal, botId: opts.botId, manage: true });
  return sessionControl().connect(bot, { method: opts.input.method, phoneNumber: opts.input.phoneNumber });
}
