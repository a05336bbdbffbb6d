'use client';

import { useState } from 'react';
import useSWR, { useSWRConfig } from 'swr';
import { cachedConversation } from '@/lib/client/inbox-cache';
import { conversationKey } from '@/lib/client/inbox-keys';
import type { ConversationView } from '@/lib/services/conversations/views';
import { LIST_POLL_MS, useFallbackInterval } from './use-fallback-interval';
import { usePushReplay } from './use-push-replay';

/**
 * One conversation (the thread's header and composer). Shows the row from a cached list at once
 * while its own request runs; pushed `conversation_updated` events keep it current afterwards.
 */
export function useInboxConversation(conversationId: string) {
  const { cache } = useSWRConfig();
  // Read once per mount (the page is keyed by conversation id), not on every render.
  const [fallbackData] = useState(() => cachedConversation(cache, conversationId));
  const replay = usePushReplay();
  const { data, error, mutate } = useSWR<ConversationView>(conversationKey(conversationId), {
    fallbackData,
    refreshInterval: useFallbackInterval(LIST_POLL_MS),
    onSuccess: (_data, key) => replay(key, key),
  });
  return { conversation: data, error: error as unknown, reload: () => void mutate() };
}
