'use client';

import Link from 'next/link';
import { useCallback, useEffect, useRef, useState } from 'react';
import { STATUS_LABEL } from '@/components/bots/status-badge';
import { useBots } from '@/hooks/use-bots';
import { useInboxActions } from '@/hooks/use-inbox-actions';
import { useInboxConversation } from '@/hooks/use-inbox-conversation';
import { useInboxMarkRead } from '@/hooks/use-inbox-mark-read';
import { useInboxMembers } from '@/hooks/use-inbox-members';
import { useNow } from '@/hooks/use-now';
import { useInboxSession } from '@/hooks/use-inbox-session';
import { useMessages } from '@/hooks/use-messages';
import { contactLabel } from '@/lib/client/inbox-format';
import { AppError, errorMessage } from '@/lib/errors';
import type { ChatMessage } from '@/lib/realtime/events';
import type { BotView } from '@/lib/services/bots/to-bot-view';
import { MessageComposer } from './message-composer';
import { MessageLog } from './message-log';
import { ThreadHeader } from './thread-header';
import styles from './inbox.module.css';

function sendBlocker(bot: BotView | undefined, canManage: boolean): { reason: string; href?: string; label?: string } | null {
  if (!bot || bot.status === 'CONNECTED') return null;
  const reason = `${bot.name} is not connected to WhatsApp (${STATUS_LABEL[bot.status].replace(/…$/, '').toLowerCase()}), so replies cannot be sent.`;
  if (!canManage) return { reason: `${reason} Ask an admin to reconnect it.` };
  return bot.channel === 'whatsapp_web'
    ? { reason, href: `/bots/${bot.id}/link`, label: 'Reconnect' }
    : { reason, href: `/bots/${bot.id}`, label: 'Open bot' };
}

/** One conversation: header with actions, the live thread, and the reply box. */
export function ConversationThread({ conversationId }: { conversationId: string }) {
  const { conversation, error } = useInboxConversation(conversationId);
  const thread = useMessages(conversationId);
  const { data: botsData } = useBots();
  const { session, meId } = useInboxSession();
  const { nameOf } = useInboxMembers(conversation?.workspaceId);
  const actions = useInboxActions();
  const now = useNow();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [localMessages, setLocalMessages] = useState<ChatMessage[]>([]);
  useInboxMarkRead(conversation);

  const hasConversation = !!conversation;
  // Opening a conversation from a list that is now hidden (narrow screens) would drop the focus
  // on the page body: hand it to the heading. A click in a visible list keeps its focus.
  useEffect(() => {
    if (!hasConversation) return;
    const active = document.activeElement as HTMLElement | null;
    if (!active || active === document.body || active.offsetParent === null) headingRef.current?.focus({ preventScroll: true });
  }, [hasConversation]);

  const authorLabel = useCallback(
    (m: ChatMessage) => {
      if (m.direction === 'in') return null;
      if (m.author === 'bot') return 'Bot';
      if (m.authorUserId && m.authorUserId === meId) return 'You';
      return nameOf(m.authorUserId) ?? 'Agent';
    },
    [meId, nameOf],
  );

  const { retry } = actions;
  const onRetry = useCallback(async (m: ChatMessage) => {
    await retry(conversationId, m.id).catch(() => {
      // The bubble keeps "failed — retry"; the button becomes usable again.
    });
  }, [retry, conversationId]);

  // The push of the stored message can beat the 201: from then on the local copy is a duplicate.
  const shown = localMessages.filter(
    (l) => !thread.messages.some((m) => m.seq > l.seq && m.author === 'agent' && m.authorUserId === l.authorUserId && m.body === l.body),
  );

  if (!conversation) {
    if (error) {
      const missing = error instanceof AppError && (error.code === 'not_found' || error.code === 'forbidden');
      return (
        <div className={styles.threadState} role="alert">
          <p>{missing ? 'This conversation does not exist, or you no longer have access to it.' : errorMessage(error, 'Could not load this conversation.')}</p>
          <Link href="/inbox" className="button button--secondary">
            Back to the inbox
          </Link>
        </div>
      );
    }
    return (
      <p className={styles.threadState} role="status">
        Loading conversation…
      </p>
    );
  }

  const bot = botsData?.bots.find((b) => b.id === conversation.botId);
  const role = session?.workspaces.find((w) => w.id === conversation.workspaceId)?.role;
  const blocker = sendBlocker(bot, role === 'owner' || role === 'admin');

  async function send(text: string) {
    const local: ChatMessage = {
      id: `local-${crypto.randomUUID()}`,
      // The newest message at the time of sending: the stored copy comes after it (see `shown`).
      seq: thread.messages.at(-1)?.seq ?? 0,
      conversationId,
      externalId: null,
      direction: 'out',
      type: 'text',
      body: text,
      status: 'pending',
      author: 'agent',
      authorUserId: meId,
      error: null,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    };
    setLocalMessages((list) => [...list, local]);
    try {
      await actions.send(conversationId, text);
    } finally {
      setLocalMessages((list) => list.filter((m) => m !== local));
    }
  }

  return (
    <section className={styles.thread} aria-labelledby={`thread-${conversationId}`}>
      <ThreadHeader
        ref={headingRef}
        conversation={conversation}
        bot={bot}
        meId={meId}
        assigneeName={nameOf(conversation.assigneeId)}
        onUpdate={(patch) => actions.update(conversationId, patch)}
      />
      <span id={`thread-${conversationId}`} className="visually-hidden">
        Conversation with {contactLabel(conversation)}
      </span>
      {!thread.loaded ? (
        thread.error ? (
          <div className={styles.threadState} role="alert">
            <p>{errorMessage(thread.error, 'Could not load the messages.')}</p>
            <button type="button" className="button button--secondary" onClick={thread.retry}>
              Retry
            </button>
          </div>
        ) : (
          <p className={styles.threadState} role="status">
            Loading messages…
          </p>
        )
      ) : (
        <MessageLog
          label={`Messages with ${contactLabel(conversation)}`}
          messages={thread.messages}
          localMessages={shown}
          hasOlder={thread.hasOlder}
          isLoadingOlder={thread.isLoadingOlder}
          loadOlder={thread.loadOlder}
          error={thread.error}
          authorLabel={authorLabel}
          onRetry={onRetry}
          now={now}
        />
      )}
      <MessageComposer
        disabledReason={blocker?.reason ?? null}
        fixHref={blocker?.href}
        fixLabel={blocker?.label}
        botActive={!conversation.botPaused}
        onSend={send}
      />
    </section>
  );
}
