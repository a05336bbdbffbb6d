import type { Bot } from '@/lib/db/schema';
import { nowIso, rooms } from '@/lib/realtime/events';
import { publish } from '@/lib/realtime/publish';
import type { BotView } from './to-bot-view';

/** Dashboards learn about a created or renamed bot the same way they learn about status changes. */
export function publishBotStatus(view: BotView | Bot): void {
  publish(rooms.workspace(view.workspaceId), 'bot_status_update', {
    botId: view.id,
    name: view.name,
    status: view.status,
    ...(view.phoneNumber ? { phoneNumber: view.phoneNumber } : {}),
    ...(view.displayName ? { displayName: view.displayName } : {}),
    stats: {},
    timestamp: nowIso(),
  });
}
