import { and, desc, eq, lt } from 'drizzle-orm';
import type { Principal } from '@/lib/auth/principal';
import { getDb } from '@/lib/db';
import { sessionEvents } from '@/lib/db/schema';
import type { SessionStatus } from '@/lib/realtime/events';
import { findBot } from './find-bot';

export interface SessionEventView {
  id: number;
  sessionId: string;
  status: SessionStatus;
  reason: string | null;
  phoneNumber: string | null;
  createdAt: string;
}

/** Connection history, newest first, paged by `before` (an event id). */
export async function listSessionEvents(opts: {
  principal: Principal;
  botId: string;
  limit: number;
  before?: number;
}): Promise<{ events: SessionEventView[]; nextBefore: number | null }> {
  await findBot(opts);
  const db = await getDb();
  const rows = await db
    .select()
    .from(sessionEvents)
    .where(and(eq(sessionEvents.botId, opts.botId), opts.before ? lt(sessionEvents.id, opts.before) : undefined))
    .orderBy(desc(sessionEvents.id))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  return {
    events: page.map((e) => ({
      id: e.id,
      sessionId: e.sessionId,
      status: e.status,
      reason: e.reason,
      phoneNumber: e.phoneNumber,
      createdAt: e.createdAt.toISOString(),
    })),
    nextBefore: rows.length > opts.limit ? (page.at(-1)?.id ?? null) : null,
  };
}
