import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Principal } from '@/lib/auth/principal';
import { getDb } from '@/lib/db';
import { bots, cloudApiAccounts, sessionEvents } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { findBot } from '@/lib/services/bots/find-bot';
import { toBotView, type BotView } from '@/lib/services/bots/to-bot-view';
import { forgetCloudAccounts } from './find-cloud-accounts';
import { publishCloudStatus } from './publish-cloud-status';

/** Forgets a Cloud API bot's Meta credentials: webhooks for its number are ignored from now on. */
export async function disconnectCloudBot(opts: { principal: Principal; botId: string }): Promise<BotView> {
  const bot = await findBot({ principal: opts.principal, botId: opts.botId, manage: true });
  if (bot.channel !== 'cloud_api') {
    throw new AppError('conflict', 'This bot uses WhatsApp Web: log it out instead.');
  }
  const changed = bot.status !== 'DISCONNECTED' || bot.statusReason !== 'user_logout';
  const sessionId = bot.sessionId ?? randomUUID();
  const db = await getDb();
  const updated = await db.transaction(async (tx) => {
    await tx.delete(cloudApiAccounts).where(eq(cloudApiAccounts.botId, bot.id));
    const [row] = await tx
      .update(bots)
      .set({ status: 'DISCONNECTED', statusReason: 'user_logout', sessionId, phoneNumber: null, displayName: null, updatedAt: new Date() })
      .where(eq(bots.id, bot.id))
      .returning();
    if (!row) throw new AppError('not_found', 'Bot not found.');
    if (changed) await tx.insert(sessionEvents).values({ botId: bot.id, sessionId, status: 'DISCONNECTED', reason: 'user_logout' });
    return row;
  });
  // Webhooks for the number are ignored from now on, not once the webhook's cache expires.
  forgetCloudAccounts();
  publishCloudStatus(updated);
  return toBotView(updated);
}
