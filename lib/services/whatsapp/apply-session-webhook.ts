import { and, eq } from 'drizzle-orm';
import { getDb } from '@/lib/db';
import { bots, webhookDeliveries } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import type { SessionSnapshot } from '@/lib/realtime/events';
import type { SessionStatusWebhook } from '@/lib/validation/webhook';
import { sessionControl } from '@/lib/whatsapp/session-control';

/**
 * A worker's status report, applied exactly once per signed delivery: a replay (same signature)
 * is acknowledged and ignored. The session is found by its id; an old attempt's id is unknown.
 */
export async function applySessionWebhook(opts: {
  deliveryId: string;
  payload: SessionStatusWebhook;
}): Promise<{ duplicate: boolean; snapshot?: SessionSnapshot }> {
  const db = await getDb();
  const [bot] = await db
    .select()
    .from(bots)
    .where(and(eq(bots.sessionId, opts.payload.sessionId), eq(bots.channel, 'whatsapp_web')));
  if (!bot) throw new AppError('not_found', 'No current session has this id.');

  const id = `session-status:${opts.deliveryId}`;
  const inserted = await db.insert(webhookDeliveries).values({ id, source: 'session-status' }).onConflictDoNothing().returning();
  if (inserted.length === 0) return { duplicate: true };
  try {
    const { sessionId: _, ...update } = opts.payload;
    return { duplicate: false, snapshot: await sessionControl().applyExternal(bot, update) };
  } catch (err) {
    // Not applied: forget the delivery so the worker's retry is not mistaken for a replay.
    await db.delete(webhookDeliveries).where(eq(webhookDeliveries.id, id));
    throw err;
  }
}
