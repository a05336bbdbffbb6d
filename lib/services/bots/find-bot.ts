import { eq } from 'drizzle-orm';
import { roleIn, type Principal } from '@/lib/auth/principal';
import { canManage } from '@/lib/auth/roles';
import { getDb } from '@/lib/db';
import { bots, type Bot } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';

/**
 * The bot, if the caller belongs to its workspace: 404 when there is no such bot, 403 when it is
 * another workspace's (ids are random UUIDs, so this reveals nothing guessable). `manage`
 * additionally requires owner or admin; `action` words the 403 ("… can {action}").
 */
export async function findBot(opts: { principal: Principal; botId: string; manage?: boolean; action?: string }): Promise<Bot> {
  const db = await getDb();
  const [bot] = await db.select().from(bots).where(eq(bots.id, opts.botId));
  if (!bot) throw new AppError('not_found', 'Bot not found.');
  const role = roleIn(opts.principal, bot.workspaceId);
  if (!role) throw new AppError('forbidden', 'You do not have access to this bot.');
  if (opts.manage && !canManage(role)) throw new AppError('forbidden', `Only workspace owners and admins can ${opts.action ?? 'manage bots'}.`);
  return bot;
}
