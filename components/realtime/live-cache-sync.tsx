'use client';

import { useSWRConfig } from 'swr';
import { applyBotStatus, BOTS_KEY, botsKeysFor, type BotsResponse } from '@/hooks/use-bots';
import { useUnifiedWebSocket } from '@/hooks/use-unified-websocket';
import { apiRequest } from '@/lib/api/fetcher';
import type { BotView } from '@/lib/services/bots/to-bot-view';

const botKey = (id: string) => `/api/v1/bots/${id}`;

function appendBot(botId: string) {
  return async (current: BotsResponse | undefined): Promise<BotsResponse | undefined> => {
    let bot: BotView;
    try {
      bot = await apiRequest<BotView>('GET', botKey(botId));
    } catch {
      return current; // gone again, or offline: the next revalidation settles it
    }
    if (!current) return current;
    // Oldest first, like the API.
    return { bots: [...current.bots.filter((b) => b.id !== bot.id), bot] };
  };
}

/**
 * Applies pushed bot changes to the SWR cache whether or not a view showing them is mounted,
 * so navigating to the dashboard or a bot page right after a change never shows the state from
 * before it (SWR would not refetch within its 2 s dedupe window). Mounted once, in the provider.
 */
export function LiveCacheSync() {
  const { mutate, cache } = useSWRConfig();
  const listKeys = () => [...cache.keys()].filter((k) => k === BOTS_KEY || k.startsWith(`${BOTS_KEY}?`));
  useUnifiedWebSocket({
    onBotStatusUpdate: (p) => {
      // Only the lists this bot belongs in: the user's other workspaces push here too.
      for (const key of botsKeysFor(p.workspaceId)) {
        const list = cache.get(key)?.data as BotsResponse | undefined;
        if (!list) continue;
        const next = applyBotStatus(list, p);
        if (next) void mutate(key, next, { revalidate: false });
        // A bot this tab has not seen yet (just created): fetch that one bot and append it.
        // A plain revalidation would do nothing while the dashboard is not mounted.
        else void mutate(key, appendBot(p.botId), { revalidate: false });
      }
      const bot = cache.get(botKey(p.botId))?.data as BotView | undefined;
      if (bot) void mutate(botKey(p.botId), applyBotStatus({ bots: [bot] }, p)?.bots[0] ?? bot, { revalidate: false });
    },
    onMessageSync: (e) => {
      if (e.type !== 'new_message') return;
      for (const key of listKeys()) {
        const list = cache.get(key)?.data as BotsResponse | undefined;
        if (!list?.bots.some((b) => b.id === e.payload.botId)) continue;
        const bots = list.bots.map((b) => (b.id === e.payload.botId ? { ...b, messagesToday: (b.messagesToday ?? 0) + 1 } : b));
        void mutate(key, { bots }, { revalidate: false });
      }
    },
    onBotDeleted: (p) => {
      for (const key of botsKeysFor(p.workspaceId)) {
        const list = cache.get(key)?.data as BotsResponse | undefined;
        if (list) void mutate(key, { bots: list.bots.filter((b) => b.id !== p.botId) }, { revalidate: false });
      }
    },
  });
  return null;
}
