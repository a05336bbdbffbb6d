'use client';

import { useCallback, useMemo } from 'react';
import useSWRInfinite from 'swr/infinite';
import { messagesGetKey, messagesPageKey } from '@/lib/client/inbox-keys';
import { flattenThread } from '@/lib/client/inbox-threads';
import type { MessagePage } from '@/lib/services/conversations/views';
import { LIST_POLL_MS, useFallbackInterval } from './use-fallback-interval';
import { usePushReplay } from './use-push-replay';
import { useUnifiedWebSocket } from './use-unified-websocket';

/**
 * A conversation's thread, oldest first. Page 0 holds the newest messages; `loadOlder` pages back
 * by sequence number. New messages and delivery ticks arrive over the socket (InboxCacheSync
 * writes them into these pages, deduplicated by id), never by refetching.
 */
export function useMessages(conversationId: string | null) {
  const replay = usePushReplay();
  const swr = useSWRInfinite<MessagePage>(conversationId ? messagesGetKey(conversationId) : () => null, {
    refreshInterval: useFallbackInterval(LIST_POLL_MS),
    // Pushes that arrived while the thread loaded (there was no thread to write them into).
    onSuccess: (_data, key) => conversationId && replay(messagesPageKey(conversationId, null), key),
  });
  const { mutate, setSize } = swr;

  useUnifiedWebSocket({
    onReconnect: ({ recovered }) => {
      if (!recovered) void mutate();
    },
  });

  const pages = swr.data;
  const messages = useMemo(() => flattenThread(pages), [pages]);

  const loaded = pages?.length ?? 0;
  const hasOlder = pages?.at(-1)?.nextBefore != null;
  const isLoadingOlder = !!pages && swr.isValidating && swr.size > loaded;
  const loadOlder = useCallback(() => void setSize(loaded + 1), [setSize, loaded]);
  const retry = useCallback(() => void mutate(), [mutate]);

  return { messages, loaded: !!pages, error: swr.error as unknown, hasOlder, isLoadingOlder, loadOlder, retry };
}
