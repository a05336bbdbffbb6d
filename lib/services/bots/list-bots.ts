import { and, asc, count, gt, inArray, sql } from 'drizzle-orm';
import { workspaceIds, type Principal } from '@/lib/auth/principal';
import { requireMember } from '@/lib/auth/require-role';
import { getDb } from '@/lib/db';
import { bots, messages } from '@/lib/db/schema';
import { findSessionControl } from '@/lib/whatsapp/session-control';
import { toBotView, type BotView } from './to-bot-view';

/**
 * The bots of one of the caller's workspaces (`workspaceId`, 404 if not theirs) or of all of them,
 * oldest first, with each one's message count over the last 24 hours.
 */
export async function listBots(opts: { principal: Principal; workspaceId?: string }): Promise<BotView[]> {
  if (opts.workspaceId) requireMember(opts.principal, opts.workspaceId);
  const ids = opts.workspaceId ? [opts.workspaceId] : workspaceIds(opts.principal);
  if (ids.length === 0) return [];
  const db = await getDb();
  const rows = await db.select().from(bots).where(inArray(bots.workspaceId, ids)).orderBy(asc(bots.createdAt), asc(bots.id));
  const sessions = findSessionControl();
  const counts = await db
    .select({ botId: messages.botId, n: count() })
    .from(messages)
    .where(and(inArray(messages.botId, rows.map((b) => b.id)), gt(messages.createdAt, sql`now() - interval '24 hours'`)))
    .groupBy(messages.botId);
  const byBot = new Map(counts.map((c) => [c.botId, Number(c.n)]));
  return rows.map((bot) => ({ ...toBotView(bot, sessions?.snapshot(bot)), messagesToday: byBot.get(bot.id) ?? 0 }));
}
