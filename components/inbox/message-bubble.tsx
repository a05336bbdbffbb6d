'use client';

import { memo, useState } from 'react';
import { mediaLabel, timeOfDay } from '@/lib/client/inbox-format';
import type { ChatMessage } from '@/lib/realtime/events';
import styles from './inbox.module.css';

const TICK: Record<Exclude<ChatMessage['status'], 'failed'>, { mark: string; label: string }> = {
  pending: { mark: '🕓', label: 'Sending' },
  sent: { mark: '✓', label: 'Sent' },
  delivered: { mark: '✓✓', label: 'Delivered' },
  read: { mark: '✓✓', label: 'Read' },
};

interface MessageBubbleProps {
  message: ChatMessage;
  /** "Bot", "You" or the agent's name, above outbound bubbles. */
  authorLabel: string | null;
  /** Shown before the server has answered (sending from this tab). */
  local?: boolean;
  onRetry?(message: ChatMessage): Promise<void>;
}

/** One message: the text (or what the media was), its time, and for outbound ones the delivery ticks or "failed — retry". */
export const MessageBubble = memo(function MessageBubble({ message: m, authorLabel, local = false, onRetry }: MessageBubbleProps) {
  const [retrying, setRetrying] = useState(false);
  const media = mediaLabel(m.type);
  const outbound = m.direction === 'out';
  return (
    <li className={styles.message} data-direction={m.direction} data-author={m.author} data-local={local} data-message-id={m.id} data-status={m.status}>
      <div className={styles.bubble}>
        {outbound && authorLabel ? <span className={styles.author}>{authorLabel}</span> : null}
        {media ? (
          <span className={styles.media}>
            <span aria-hidden="true">{media.icon}</span> {media.label}
          </span>
        ) : null}
        {m.body ? <p className={styles.body}>{m.body}</p> : null}
        <span className={styles.meta}>
          <time dateTime={m.createdAt} title={new Date(m.createdAt).toLocaleString()}>
            {timeOfDay(m.createdAt)}
          </time>
          {outbound && m.status !== 'failed' ? (
            <span className={styles.tick} data-status={m.status} role="img" aria-label={TICK[m.status].label} title={TICK[m.status].label}>
              {TICK[m.status].mark}
            </span>
          ) : null}
          {outbound && m.status === 'failed' ? (
            <span className={styles.failed} title={m.error ?? undefined}>
              Failed{m.error ? `: ${m.error}` : ''} —
              {onRetry ? (
                <button
                  type="button"
                  className={styles.retry}
                  disabled={retrying}
                  onClick={() => {
                    setRetrying(true);
                    void onRetry(m).finally(() => setRetrying(false));
                  }}
                >
                  {retrying ? 'retrying…' : 'retry'}
                </button>
              ) : null}
            </span>
          ) : null}
        </span>
      </div>
    </li>
  );
});
