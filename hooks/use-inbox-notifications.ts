'use client';

import { useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import { useSWRConfig } from 'swr';
import { cachedConversation } from '@/lib/client/inbox-cache';
import { contactLabel, mediaLabel } from '@/lib/client/inbox-format';
import type { ChatMessage } from '@/lib/realtime/events';
import { useUnifiedWebSocket } from './use-unified-websocket';

export type NotificationState = NotificationPermission | 'unsupported';

function currentPermission(): NotificationState {
  return typeof window !== 'undefined' && 'Notification' in window ? Notification.permission : 'unsupported';
}

// Permission changes made here (the request below) and in the browser's site settings.
const permissionListeners = new Set<() => void>();
function subscribePermission(onChange: () => void): () => void {
  permissionListeners.add(onChange);
  let status: PermissionStatus | undefined;
  let cancelled = false;
  navigator.permissions
    ?.query({ name: 'notifications' })
    .then((s) => {
      if (cancelled) return;
      status = s;
      s.addEventListener('change', onChange);
    })
    .catch(() => {});
  return () => {
    cancelled = true;
    permissionListeners.delete(onChange);
    status?.removeEventListener('change', onChange);
  };
}

/** The browser's notification permission, and a request that must come from a click. */
export function useNotificationPermission() {
  // 'unsupported' on the server and while hydrating, so the markup matches.
  const permission = useSyncExternalStore<NotificationState>(subscribePermission, currentPermission, () => 'unsupported');
  const request = useCallback(async () => {
    if (currentPermission() === 'unsupported') return;
    await Notification.requestPermission().catch(() => undefined);
    for (const listener of permissionListeners) listener();
  }, []);
  return { permission, request };
}

/** The contact's name comes in the `conversation_updated` right behind a `new_message`. */
const NAME_WAIT_MS = 1_000;

function bodyOf(m: ChatMessage): string {
  const media = mediaLabel(m.type);
  const text = m.body.trim();
  if (!media) return text;
  return text ? `${media.icon} ${media.label}: ${text}` : `${media.icon} ${media.label}`;
}

/**
 * A browser notification for each message from a contact while the tab is hidden and permission
 * was granted. Only contacts' messages: an agent's own replies (and the bot's) never notify.
 * Clicking one brings the tab forward and opens the conversation.
 */
export function useInboxNotifications(open: (conversationId: string) => void): void {
  const { cache } = useSWRConfig();
  const openRef = useRef(open);
  useEffect(() => {
    openRef.current = open;
  });
  const waiting = useRef(new Map<string, { timer: ReturnType<typeof setTimeout>; body: string }>());

  const show = useCallback((conversationId: string, title: string, body: string) => {
    try {
      const n = new Notification(title, { body, tag: `parley-${conversationId}` });
      n.onclick = () => {
        window.focus();
        openRef.current(conversationId);
        n.close();
      };
    } catch {
      // Some browsers only allow notifications from a service worker: nothing else to do.
    }
  }, []);

  useEffect(() => {
    const pending = waiting.current;
    return () => {
      for (const w of pending.values()) clearTimeout(w.timer);
      pending.clear();
    };
  }, []);

  useUnifiedWebSocket({
    onMessageSync: (e) => {
      if (e.type === 'new_message') {
        const m = e.payload.message;
        if (m.author !== 'contact' || m.direction !== 'in') return;
        if (currentPermission() !== 'granted' || !document.hidden) return;
        const id = e.payload.conversationId;
        const body = bodyOf(m);
        const previous = waiting.current.get(id);
        if (previous) clearTimeout(previous.timer);
        const timer = setTimeout(() => {
          waiting.current.delete(id);
          const known = cachedConversation(cache, id);
          show(id, known ? contactLabel(known) : 'New message', body);
        }, NAME_WAIT_MS);
        waiting.current.set(id, { timer, body });
      } else if (e.type === 'conversation_updated') {
        const w = waiting.current.get(e.payload.conversationId);
        if (!w) return;
        clearTimeout(w.timer);
        waiting.current.delete(e.payload.conversationId);
        show(e.payload.conversationId, contactLabel(e.payload), w.body);
      }
    },
  });
}
