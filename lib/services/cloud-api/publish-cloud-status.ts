import type { Bot } from '@/lib/db/schema';
import { compact, nowIso, rooms } from '@/lib/realtime/events';
import { publish } from '@/lib/realtime/publish';
import { publishBotStatus } from '@/lib/services/bots/publish-bot';

/**
 * A Cloud API bot's status change, pushed exactly as the session manager pushes a WhatsApp Web
 * one: `session_status_changed` to the bot's session room and workspace, then `bot_status_update`.
 */
export function publishCloudStatus(bot: Bot): void {
  const timestamp = nowIso();
  publish(
    [rooms.session(bot.id), rooms.workspace(bot.workspaceId)],
    'session_status_changed',
    compact({
      botId: bot.id,
      sessionId: bot.sessionId ?? '',
      status: bot.status,
      phoneNumber: bot.phoneNumber ?? undefined,
      displayName: bot.displayName ?? undefined,
      reason: bot.statusReason ?? undefined,
      timestamp,
    }),
  );
  publishBotStatus(
    { id: bot.id, workspaceId: bot.workspaceId, name: bot.name, status: bot.status, phoneNumber: bot.phoneNumber, displayName: bot.displayName },
    timestamp,
  );
}
