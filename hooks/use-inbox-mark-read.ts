'use client';

import { useEffect, useRef } from 'react';
import type { ConversationView } from '@/lib/services/conversations/views';
import { useInboxActions } from './use-inbox-actions';
import { useInboxVisibility } from './use-inbox-visibility';

/**
 * Marks the open conversation read when it is opened with unread messages, and again for each
 * arrival while it stays open and the tab is in front. One request per arrival: the answer (and
 * the push) set unreadCount to 0, and a failed request is not retried until something new arrives.
 */
export function useInboxMarkRead(conversation: ConversationView | undefined): void {
  const { markRead } = useInboxActions();
  const visible = useInboxVisibility();
  const done = useRef<string | null>(null);
  const id = conversation?.id;
  const unread = conversation?.unreadCount ?? 0;
  const activity = conversation?.lastActivityAt;

  useEffect(() => {
    if (!id || unread === 0 || !visible) return;
    // One attempt per (conversation, arrival): lastActivityAt moves with every new message.
    const attempt = `${id}@${activity}@${unread}`;
    if (done.current === attempt) return;
    done.current = attempt;
    markRead(id).catch(() => {
      // The badge stays; the next arrival (or reopening) tries again.
    });
  }, [id, unread, activity, visible, markRead]);
}
