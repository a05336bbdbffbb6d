'use client';

import useSWR from 'swr';
import type { BotStatusUpdatePayload } from '@/lib/realtime/events';
import type { BotView } from '@/lib/services/bots/to-bot-view';
import { LIST_POLL_MS, useFallbackInterval } from './use-fallback-interval';
import { useActiveWorkspaceId } from './use-workspace';

/** Every bot of every workspace of the user (scripts, tests); the app reads one workspace's. */
export const BOTS_KEY = '/api/v1/bots';
export type BotsResponse = { bots: BotView[] };

/** One workspace's bot list (null: all of the user's workspaces). */
export function botsKey(workspaceId: string | null): string {
  return workspaceId ? `${BOTS_KEY}?workspaceId=${workspaceId}` : BOTS_KEY;
}

/** The cached lists a change to a bot of this workspace belongs in. */
export function botsKeysFor(workspaceId: string): string[] {
  return [botsKey(workspaceId), BOTS_KEY];
}

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
 * The bots of the workspace this tab shows, kept live: `bot_status_update` and `bot_deleted` patch
 * the SWR cache in place (components/realtime/live-cache-sync.tsx, whether or not this view is
 * mounted), so there are no refetch storms. Polls every 30 s only while the socket has been down
 * for 10 s.
 */
export function useBots() {
  const workspaceId = useActiveWorkspaceId();
  return useSWR<BotsResponse>(botsKey(workspaceId), { refreshInterval: useFallbackInterval(LIST_POLL_MS) });
}
