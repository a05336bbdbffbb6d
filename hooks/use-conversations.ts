'use client';

import { useCallback, useMemo } from 'react';
import useSWRInfinite from 'swr/infinite';
import { conversationsGetKey, conversationsPageKey, CONVERSATIONS_PAGE_SIZE, type InboxFilter } from '@/lib/client/inbox-keys';
import { flattenPages } from '@/lib/client/inbox-lists';
import type { ConversationPage } from '@/lib/services/conversations/views';
import { LIST_POLL_MS, useFallbackInterval } from './use-fallback-interval';
import { usePushReplay } from './use-push-replay';
import { useUnifiedWebSocket } from './use-unified-websocket';
import { useActiveWorkspaceId } from './use-workspace';

/**
 * One filtered conversation list of the active workspace, newest activity first, paged by the API's keyset cursor.
 * Pushed changes are written into these cached pages by InboxCacheSync, so a healthy socket means
 * no requests at all; the first page is fetched again only when the list mounts (or polls, after
 * the socket has been down for a while).
 */
export function useConversations(filter: InboxFilter, opts: { limit?: number; enabled?: boolean } = {}) {
  const limit = opts.limit ?? CONVERSATIONS_PAGE_SIZE;
  const enabled = opts.enabled ?? true;
  // The workspace the tab shows: the user's other workspaces have their own lists.
  const workspaceId = useActiveWorkspaceId();
  const scoped = { ...filter, workspaceId };
  const getKey = conversationsGetKey(scoped, limit);
  const replay = usePushReplay();
  const swr = useSWRInfinite<ConversationPage>(enabled ? getKey : () => null, {
    refreshInterval: useFallbackInterval(LIST_POLL_MS),
    // Pushes that arrived while the list loaded.
    onSuccess: (_data, key) => replay(conversationsPageKey(scoped, null, limit), key),
    // Typing a search keeps the last results on screen instead of flashing the skeleton.
    keepPreviousData: true,
  });
  const { mutate } = swr;

  // The provider's catch-up after a reconnect skips useSWRInfinite's keys: refetch every loaded page.
  useUnifiedWebSocket({
    onReconnect: ({ recovered }) => {
      if (!recovered) void mutate();
    },
  });

  const pages = swr.data;
  const conversations = useMemo(() => flattenPages(pages), [pages]);
  const loaded = pages?.length ?? 0;
  const hasMore = !!pages?.at(-1)?.nextCursor;
  const isLoadingMore = !!pages && swr.isValidating && swr.size > loaded;
  const { setSize } = swr;
  // From what is loaded, not from `size`: a load interrupted by a pushed write can be asked again.
  const loadMore = useCallback(() => void setSize(loaded + 1), [setSize, loaded]);
  const retry = useCallback(() => void mutate(), [mutate]);

  return {
    conversations,
    /** The pages were loaded (possibly still those of the previous filter while the new one loads). */
    loaded: !!pages,
    error: swr.error as unknown,
    isValidating: swr.isValidating,
    hasMore,
    isLoadingMore,
    loadMore,
    retry,
  };
}
