import { and, desc, eq, exists, ilike, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { workspaceIds, type Principal } from '@/lib/auth/principal';
import { requireMember } from '@/lib/auth/require-role';
import { getDb } from '@/lib/db';
import { conversations, messages } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import type { ListConversationsQuery } from '@/lib/validation/conversation';
import { toConversationView, type ConversationPage } from './views';

// Keyset pagination on (last_activity_at desc, id desc). The cursor carries the timestamp at the
// database's microsecond precision (a JS Date would round it and skip or repeat rows).
const TS_TEXT = sql<string>`to_char(${conversations.lastActivityAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The caller's conversations, newest activity first, filtered and searched: of one workspace
 * (`query.workspaceId`, 404 if not theirs) or of all their workspaces.
 */
export async function listConversations(opts: { principal: Principal; query: ListConversationsQuery }): Promise<ConversationPage> {
  const { principal, query } = opts;
  if (query.workspaceId) requireMember(principal, query.workspaceId);
  const ids = query.workspaceId ? [query.workspaceId] : workspaceIds(principal);
  if (ids.length === 0) return { conversations: [], nextCursor: null };
  const filters: (SQL | undefined)[] = [inArray(conversations.workspaceId, ids)];
  if (query.botId) filters.push(eq(conversations.botId, query.botId));
  if (query.status !== 'all') filters.push(eq(conversations.status, query.status));
  if (query.assignee === 'me') filters.push(eq(conversations.assigneeId, principal.userId));
  if (query.assignee === 'unassigned') filters.push(isNull(conversations.assigneeId));
  if (query.cursor) {
    const { ts, id } = decodeCursor(query.cursor);
    filters.push(sql`(${conversations.lastActivityAt}, ${conversations.id}) < (${ts}::timestamptz, ${id}::uuid)`);
  }
  const db = await getDb();
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const digits = query.q.replace(/\D/g, '');
    filters.push(
      or(
        ilike(conversations.contactName, like),
        digits.length >= 3 ? ilike(conversations.contactPhone, `%${digits}%`) : undefined,
        exists(db.select({ one: sql`1` }).from(messages).where(and(eq(messages.conversationId, conversations.id), ilike(messages.body, like)))),
      ),
    );
  }
  const rows = await db
    .select({ row: conversations, ts: TS_TEXT })
    .from(conversations)
    .where(and(...filters))
    .orderBy(desc(conversations.lastActivityAt), desc(conversations.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    conversations: page.map((r) => toConversationView(r.row)),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.ts, last.row.id) : null,
  };
}

function encodeCursor(ts: string, id: string): string {
  return Buffer.from(`${ts}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { ts: string; id: string } {
  const [ts, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const valid =
    ts && id && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(ts) && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
  if (!valid) throw new AppError('validation_failed', 'Invalid cursor: pass nextCursor from the previous page.');
  return { ts, id };
}
