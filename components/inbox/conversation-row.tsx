'use client';

import Link from 'next/link';
import { memo } from 'react';
import { useInboxMembers } from '@/hooks/use-inbox-members';
import { contactLabel, listTime, previewPrefix, previewText } from '@/lib/client/inbox-format';
import type { ConversationView } from '@/lib/services/conversations/views';
import styles from './inbox.module.css';

interface ConversationRowProps {
  conversation: ConversationView;
  active: boolean;
  now: number;
  meId: string | null;
  /** Shown when the list mixes several bots. */
  botName?: string;
}

/** One row of the conversation list: who, when, the last message, unread count and state markers. */
export const ConversationRow = memo(function ConversationRow({ conversation: c, active, now, meId, botName }: ConversationRowProps) {
  const { nameOf } = useInboxMembers(c.workspaceId);
  const label = contactLabel(c);
  const last = c.lastMessage;
  const prefix = last ? previewPrefix(last, meId, nameOf) : '';
  const assignee = c.assigneeId === meId ? 'You' : nameOf(c.assigneeId);
  return (
    <li>
      <Link
        href={`/inbox/${c.id}`}
        className={styles.row}
        aria-current={active ? 'page' : undefined}
        data-unread={c.unreadCount > 0}
        data-conversation-id={c.id}
        data-testid="conversation-row"
        aria-label={`${label}${c.unreadCount > 0 ? `, ${c.unreadCount} unread` : ''}${c.needsHuman ? ', needs a person' : ''}`}
      >
        <span className={styles.contact}>{label}</span>
        <time className={styles.time} dateTime={c.lastActivityAt} title={new Date(c.lastActivityAt).toLocaleString()}>
          {listTime(c.lastActivityAt, now)}
        </time>
        <span className={styles.preview}>
          {prefix ? <span className={styles.previewPrefix}>{prefix}</span> : null}
          {last ? previewText(last.body) : <em>No messages yet</em>}
        </span>
        {c.unreadCount > 0 ? (
          <span className={styles.unread} data-testid="unread-count">
            {c.unreadCount > 99 ? '99+' : c.unreadCount}
          </span>
        ) : (
          <span />
        )}
        <span className={styles.markers}>
          {c.needsHuman ? (
            <span className={styles.marker} data-tone="alert">
              Needs a person
            </span>
          ) : c.botPaused ? (
            <span className={styles.marker} data-tone="warning">
              Bot paused
            </span>
          ) : null}
          {assignee ? (
            <span className={styles.marker} data-tone="accent">
              {assignee === 'You' ? 'Assigned to you' : assignee}
            </span>
          ) : null}
          {c.status === 'resolved' ? <span className={styles.marker}>Resolved</span> : null}
          {botName ? <span className={styles.marker}>{botName}</span> : null}
        </span>
      </Link>
    </li>
  );
});
