import type { Principal } from '@/lib/auth/principal';
import type { SessionSnapshot } from '@/lib/realtime/events';
import { sessionControl } from '@/lib/whatsapp/session-control';
import { findBot } from './find-bot';

/** Unlinks the bot's WhatsApp device and forgets its credentials; the bot itself stays. */
export async function logoutBot(opts: { principal: Principal; botId: string }): Promise<SessionSnapshot> {
  const bot = await findBot({ principal: opts.principal, botId: opts.botId, manage: true });
  return sessionControl().logout(bot);
}
