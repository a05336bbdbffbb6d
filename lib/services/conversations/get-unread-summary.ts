import { and, gt, inArray } from 'drizzle-orm';
import { workspaceIds, type Principal } from '@/lib/auth/principal';
import { requireMember } from '@/lib/auth/require-role';
import { getDb } from '@/lib/db';
import { conversations } from '@/lib/db/schema';
import type { UnreadSummary } from './views';

const MAX = 1_000;

/** Unread counts per conversation (of one workspace, or all the caller's), so the client can keep the total exact from pushed updates. */
export async function getUnreadSummary(opts: { principal: Principal; workspaceId?: string }): Promise<UnreadSummary> {
  if (opts.workspaceId) requireMember(opts.principal, opts.workspaceId);
  const ids = opts.workspaceId ? [opts.workspaceId] : workspaceIds(opts.principal);
  if (ids.length === 0) return { total: 0, conversations: {} };
  const db = await getDb();
  const rows = await db
    .select({ id: conversations.id, unread: conversations.unreadCount })
    .from(conversations)
    .where(and(inArray(conversations.workspaceId, ids), gt(conversations.unreadCount, 0)))
    .limit(MAX);
  const map: Record<string, number> = {};
  let total = 0;
  for (const r of rows) {
    map[r.id] = r.unread;
    total += r.unread;
  }
  return { total, conversations: map };
}
