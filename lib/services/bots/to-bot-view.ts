import type { Bot } from '@/lib/db/schema';
import type { SessionSnapshot } from '@/lib/realtime/events';
import { readBotSettings, type BotSettings } from '@/lib/validation/bot-settings';

/** The bot as the API returns it. Live session state (when the session manager runs here) wins over the row. */
export interface BotView {
  id: string;
  workspaceId: string;
  name: string;
  description: string;
  channel: Bot['channel'];
  settings: BotSettings;
  status: Bot['status'];
  statusReason: string | null;
  sessionId: string | null;
  phoneNumber: string | null;
  displayName: string | null;
  lastConnectedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Messages in and out over the last 24 hours (the dashboard's list only). */
  messagesToday?: number;
}

export function toBotView(bot: Bot, live?: SessionSnapshot): BotView {
  return {
    id: bot.id,
    workspaceId: bot.workspaceId,
    name: bot.name,
    description: bot.description,
    channel: bot.channel,
    settings: readBotSettings(bot.settings),
    status: live?.status ?? bot.status,
    statusReason: bot.statusReason,
    sessionId: live?.sessionId || bot.sessionId,
    phoneNumber: live ? (live.phoneNumber ?? null) : bot.phoneNumber,
    displayName: live ? (live.displayName ?? null) : bot.displayName,
    lastConnectedAt: bot.lastConnectedAt?.toISOString() ?? null,
    createdAt: bot.createdAt.toISOString(),
    updatedAt: bot.updatedAt.toISOString(),
  };
}
