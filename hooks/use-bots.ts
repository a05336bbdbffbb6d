'use client';

import useSWR from 'swr';
import type { BotStatusUpdatePayload } from '@/lib/realtime/events';
import type { BotView } from '@/lib/services/bots/to-bot-view';
import { LIST_POLL_MS, useFallbackInterval } from './use-fallback-interval';
import { useUnifiedWebSocket } from './use-unified-websocket';

export const BOTS_KEY = '/api/v1/bots';
export type BotsResponse = { bots: BotView[] };

/** Applies a pushed status to a cached list; undefined when the bot is not in it (refetch instead). */
export function applyBotStatus(list: BotsResponse, p: BotStatusUpdatePayload): BotsResponse | undefined {
  if (!list.bots.some((b) => b.id === p.botId)) return undefined;
  return {
    bots: list.bots.map((b) =>
      b.id === p.botId
        ? {
            ...b,
            name: p.name,
            status: p.status,
            phoneNumber: p.phoneNumber ?? null,
            displayName: p.displayName ?? null,
            // The pushed event does not carry it; a fresh link happens now.
            lastConnectedAt: p.status === 'CONNECTED' && b.status !== 'CONNECTED' ? p.timestamp : b.lastConnectedAt,
          }
        : b,
    ),
  };
}

/**
 * Every bot in the caller's workspaces, kept live: `bot_status_update` and `bot_deleted` patch
 * the SWR cache in place (no refetch storms); a bot we have not seen yet triggers one refetch.
 * Polls every 30 s only while the socket has been down for 10 s.
 */
export function useBots() {
  const swr = useSWR<BotsResponse>(BOTS_KEY, { refreshInterval: useFallbackInterval(LIST_POLL_MS) });
  const { mutate } = swr;
  useUnifiedWebSocket({
    onBotStatusUpdate: (p) => {
      const current = swr.data;
      // Still loading: the list on its way is at least as new as the page, so no second read.
      if (!current) return;
      const next = applyBotStatus(current, p);
      if (next) void mutate(next, { revalidate: false });
      else void mutate(); // a bot we have not seen (created elsewhere): one refetch
    },
    onBotDeleted: (p) => {
      void mutate((current) => current && { bots: current.bots.filter((b) => b.id !== p.botId) }, { revalidate: false });
    },
  });
  return swr;
}
