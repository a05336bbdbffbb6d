import { eq } from 'drizzle-orm';
import type { Principal } from '@/lib/auth/principal';
import { getDb } from '@/lib/db';
import { bots } from '@/lib/db/schema';
import { sessionControl } from '@/lib/whatsapp/session-control';
import { findBot } from './find-bot';

/** Stops the bot's WhatsApp session, wipes its credentials, then deletes it (history cascades). */
export async function deleteBot(opts: { principal: Principal; botId: string }): Promise<void> {
  const bot = await findBot({ principal: opts.principal, botId: opts.botId, manage: true });
  await sessionControl().remove(bot.id);
  const db = await getDb();
  await db.delete(bots).where(eq(bots.id, bot.id));
}
