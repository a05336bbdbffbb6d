import { eq } from 'drizzle-orm';
import type { Principal } from '@/lib/auth/principal';
import { getDb } from '@/lib/db';
import { bots } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import type { UpdateBotInput } from '@/lib/validation/bot';
import { findSessionControl } from '@/lib/whatsapp/session-control';
import { assertSafeRegex } from '@/server/bots/check-regex-safety';
import { findBot } from './find-bot';
import { publishBotStatus } from './publish-bot';
import { toBotView, type BotView } from './to-bot-view';

export async function updateBot(opts: { principal: Principal; botId: string; input: UpdateBotInput }): Promise<BotView> {
  await findBot({ principal: opts.principal, botId: opts.botId, manage: true });
  // The schema checked that regex patterns compile; this also refuses catastrophic ones (server only).
  for (const [i, rule] of (opts.input.settings?.autoReplies ?? []).entries()) {
    if (rule.match === 'regex') assertSafeRegex(rule.pattern, `settings.autoReplies.${i}.pattern`);
  }
  const db = await getDb();
  const [bot] = await db
    .update(bots)
    .set({ ...opts.input, updatedAt: new Date() })
    .where(eq(bots.id, opts.botId))
    .returning();
  if (!bot) throw new AppError('not_found', 'Bot not found.');
  const view = toBotView(bot, findSessionControl()?.snapshot(bot));
  publishBotStatus(view);
  return view;
}
