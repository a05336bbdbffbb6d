import { compact, nowIso, rooms, type SessionStatus } from '@/lib/realtime/events';
import { publish } from '@/lib/realtime/publish';

export interface BotStatus {
  id: string;
  workspaceId: string;
  name: string;
  status: SessionStatus;
  phoneNumber?: string | null;
  displayName?: string | null;
}

/**
 * `bot_status_update` to the bot's workspace: dashboards learn about a created or renamed bot
 * the same way they learn about status changes from the session manager.
 */
export function publishBotStatus(bot: BotStatus, timestamp: string = nowIso()): void {
  publish(
    rooms.workspace(bot.workspaceId),
    'bot_status_update',
    compact({
      botId: bot.id,
      workspaceId: bot.workspaceId,
      name: bot.name,
      status: bot.status,
      phoneNumber: bot.phoneNumber || undefined,
      displayName: bot.displayName || undefined,
      stats: {},
      timestamp,
    }),
  );
}
