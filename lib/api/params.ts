import { AppError } from '@/lib/errors';
import { botIdParam } from '@/lib/validation/bot';

/** A malformed id is a bot that does not exist (404), not a validation error. */
export function botIdFrom(params: { botId?: string }): string {
  const parsed = botIdParam.safeParse(params.botId);
  if (!parsed.success) throw new AppError('not_found', 'Bot not found.');
  return parsed.data;
}
