import type { Principal } from '@/lib/auth/principal';
import type { SessionSnapshot } from '@/lib/realtime/events';
import { sessionControl } from '@/lib/whatsapp/session-control';
import { findBot } from './find-bot';

/** The live session state, QR included: only members of the bot's workspace get this far. */
export async function getSessionSnapshot(opts: { principal: Principal; botId: string }): Promise<SessionSnapshot> {
  const bot = await findBot(opts);
  return sessionControl().liveSnapshot(bot);
}
