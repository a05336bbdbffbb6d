'use client';

import useSWR from 'swr';
import { UNREAD_KEY } from '@/lib/client/inbox-keys';
import type { UnreadSummary } from '@/lib/services/conversations/views';
import { LIST_POLL_MS, useFallbackInterval } from './use-fallback-interval';
import { usePushReplay } from './use-push-replay';

/**
 * Unread messages across the caller's conversations (sidebar badge, tab title). Loaded once, then
 * kept exact by `conversation_updated` (components/realtime/inbox-cache-sync.tsx); polls only
 * while the socket has been down for a while.
 */
export function useUnread() {
  const replay = usePushReplay();
  const { data, error } = useSWR<UnreadSummary>(UNREAD_KEY, {
    refreshInterval: useFallbackInterval(LIST_POLL_MS),
    onSuccess: (_data, key) => replay(key, key),
  });
  return { total: data?.total ?? 0, summary: data, error };
}
