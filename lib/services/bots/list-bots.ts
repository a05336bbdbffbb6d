import { asc, inArray } from 'drizzle-orm';
import { workspaceIds, type Principal } from '@/lib/auth/principal';
import { getDb } from '@/lib/db';
import { bots } from '@/lib/db/schema';
import { findSessionControl } from '@/lib/whatsapp/session-control';
import { toBotView, type BotView } from './to-bot-view';

/** Every bot in the caller's workspaces, oldest first. */
export async function listBots(opts: { principal: Principal }): Promise<BotView[]> {
  const ids = workspaceIds(opts.principal);
  if (ids.length === 0) return [];
  const db = await getDb();
  const rows = await db.select().from(bots).where(inArray(bots.workspaceId, ids)).orderBy(asc(bots.createdAt), asc(bots.id));
  const sessions = findSessionControl();
  return rows.map((bot) => toBotView(bot, sessions?.snapshot(bot)));
}
