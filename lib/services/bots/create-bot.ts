import { roleIn, type Principal } from '@/lib/auth/principal';
import { getDb } from '@/lib/db';
import { bots } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import type { CreateBotInput } from '@/lib/validation/bot';
import { assertSafeRegex } from '@/server/bots/check-regex-safety';
import { publishBotStatus } from './publish-bot';
import { toBotView, type BotView } from './to-bot-view';

export async function createBot(opts: { principal: Principal; input: CreateBotInput }): Promise<BotView> {
  const { principal, input } = opts;
  const workspaceId =
    input.workspaceId ?? principal.memberships.find((m) => m.role !== 'agent')?.workspaceId ?? principal.memberships[0]?.workspaceId;
  const role = workspaceId ? roleIn(principal, workspaceId) : undefined;
  if (!workspaceId || !role) throw new AppError('not_found', 'Workspace not found.');
  if (role === 'agent') throw new AppError('forbidden', 'Only workspace owners and admins can create bots.');

  // The schema checked that regex patterns compile; this also refuses catastrophic ones (server only).
  for (const [i, rule] of (input.settings?.autoReplies ?? []).entries()) {
    if (rule.match === 'regex') assertSafeRegex(rule.pattern, `settings.autoReplies.${i}.pattern`);
  }
  const db = await getDb();
  const [bot] = await db
    .insert(bots)
    .values({
      workspaceId,
      name: input.name,
      description: input.description ?? '',
      channel: input.channel ?? 'whatsapp_web',
      settings: input.settings ?? {},
    })
    .returning();
  const view = toBotView(bot!);
  publishBotStatus(view);
  return view;
}
