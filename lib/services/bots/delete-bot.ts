import { eq } from 'drizzle-orm';
import type { Principal } from '@/lib/auth/principal';
import { getDb } from '@/lib/db';
import { bots } from '@/lib/db/schema';
import { nowIso, rooms } from '@/lib/realtime/events';
import { publish } from '@/lib/realtime/publish';
import { forgetCloudAccounts } from '@/lib/services/cloud-api/find-cloud-accounts';
import { sessionControl } from '@/lib/whatsapp/session-control';
import { findBot } from './find-bot';

/** Stops the bot's WhatsApp session, wipes its credentials, deletes it (history cascades), tells dashboards. */
export async function deleteBot(opts: { principal: Principal; botId: string }): Promise<void> {
  const bot = await findBot({ principal: opts.principal, botId: opts.botId, manage: true });
  await sessionControl().remove(bot.id);
  const db = await getDb();
  await db.delete(bots).where(eq(bots.id, bot.id));
  // A Cloud API bot's number is no longer routed to it (the webhook caches the routing).
  forgetCloudAccounts();
  publish(rooms.workspace(bot.workspaceId), 'bot_deleted', { botId: bot.id, workspaceId: bot.workspaceId, timestamp: nowIso() });
}
