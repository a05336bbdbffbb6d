'use client';

import { useSWRConfig } from 'swr';
import { useUnifiedWebSocket } from '@/hooks/use-unified-websocket';
import { writeConversation, writeMessage, writeMessageStatus } from '@/lib/client/inbox-cache';
import { conversationKey } from '@/lib/client/inbox-keys';
import { conversationFromUpdate, type ConversationView } from '@/lib/services/conversations/views';

/**
 * Applies pushed inbox traffic to the SWR cache whether or not the inbox is mounted: lists move,
 * gain and lose rows, open threads grow and their ticks advance, the unread badge follows. Each
 * event is one cache write and never a refetch. Mounted once, in the provider.
 */
export function InboxCacheSync() {
  const swr = useSWRConfig();
  useUnifiedWebSocket({
    onMessageSync: (e) => {
      switch (e.type) {
        case 'new_message':
          writeMessage(swr, e.payload.message);
          break;
        case 'conversation_updated': {
          const cached = swr.cache.get(conversationKey(e.payload.conversationId))?.data as ConversationView | undefined;
          writeConversation(swr, conversationFromUpdate(e.payload, cached?.createdAt));
          break;
        }
        case 'message_status_updated':
          writeMessageStatus(swr, e.payload);
          break;
      }
    },
  });
  return null;
}
