import type { Principal } from '@/lib/auth/principal';
import { findSessionControl } from '@/lib/whatsapp/session-control';
import { findBot } from './find-bot';
import { toBotView, type BotView } from './to-bot-view';

export async function getBot(opts: { principal: Principal; botId: string }): Promise<BotView> {
  const bot = await findBot(opts);
  return toBotView(bot, findSessionControl()?.snapshot(bot));
}
