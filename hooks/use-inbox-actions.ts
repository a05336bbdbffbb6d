'use client';

import { useMemo } from 'react';
import { useSWRConfig } from 'swr';
import { apiRequest } from '@/lib/api/fetcher';
import { writeConversation, writeMessage } from '@/lib/client/inbox-cache';
import { conversationKey } from '@/lib/client/inbox-keys';
import type { ChatMessage } from '@/lib/realtime/events';
import type { ConversationView } from '@/lib/services/conversations/views';

export interface ConversationPatch {
  assigneeId?: string | null;
  botPaused?: boolean;
  status?: 'open' | 'resolved';
}

/**
 * The inbox's writes. Each answer goes into the cache at once (so this tab never waits for the
 * push), and the same change arriving again as a push is a no-op: rows and messages are
 * deduplicated by id, and an answer older than what was pushed meanwhile is dropped.
 */
export function useInboxActions() {
  const swr = useSWRConfig();
  return useMemo(() => {
    const url = (id: string) => conversationKey(id);
    return {
      async update(conversationId: string, patch: ConversationPatch): Promise<ConversationView> {
        const view = await apiRequest<ConversationView>('PATCH', url(conversationId), patch);
        writeConversation(swr, view, { fromResponse: true });
        return view;
      },
      async markRead(conversationId: string): Promise<ConversationView> {
        const view = await apiRequest<ConversationView>('POST', `${url(conversationId)}/read`);
        writeConversation(swr, view, { fromResponse: true });
        return view;
      },
      async send(conversationId: string, text: string): Promise<ChatMessage> {
        const message = await apiRequest<ChatMessage>('POST', `${url(conversationId)}/messages`, { text });
        writeMessage(swr, message);
        return message;
      },
      async retry(conversationId: string, messageId: string): Promise<ChatMessage> {
        const message = await apiRequest<ChatMessage>('POST', `${url(conversationId)}/messages/${messageId}/retry`);
        writeMessage(swr, message);
        return message;
      },
    };
  }, [swr]);
}
