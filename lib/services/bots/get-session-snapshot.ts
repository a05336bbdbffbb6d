import { roleIn, type Principal } from '@/lib/auth/principal';
import { canManage } from '@/lib/auth/roles';
import type { SessionSnapshot } from '@/lib/realtime/events';
import { sessionControl } from '@/lib/whatsapp/session-control';
import { findBot } from './find-bot';

/**
 * The live session state for any member of the bot's workspace. The QR and pairing codes are
 * credentials to the bot's WhatsApp: only owners and admins (who may link the bot) get them.
 */
export async function getSessionSnapshot(opts: { principal: Principal; botId: string }): Promise<SessionSnapshot> {
  const bot = await findBot(opts);
  const snapshot = await sessionControl().liveSnapshot(bot);
  if (canManage(roleIn(opts.principal, bot.workspaceId))) return snapshot;
  const { qrCode: _qr, qrExpiresAt: _qrExpiry, pairingCode: _code, ...withoutCodes } = snapshot;
  return withoutCodes;
}
