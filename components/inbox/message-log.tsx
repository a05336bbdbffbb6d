'use client';

import { Fragment, useCallback, useLayoutEffect, useRef, useState } from 'react';
import { dayKey, dayLabel } from '@/lib/client/inbox-format';
import type { ChatMessage } from '@/lib/realtime/events';
import { errorMessage } from '@/lib/errors';
import { MessageBubble } from './message-bubble';
import styles from './inbox.module.css';

/** Within this many pixels of the end counts as "at the bottom" (pinned). */
const PIN_SLACK_PX = 48;
/** Older messages start loading this close to the top. */
const LOAD_OLDER_PX = 120;

interface MessageLogProps {
  label: string;
  messages: ChatMessage[];
  /** Sent from this tab, not yet answered by the server. */
  localMessages: ChatMessage[];
  hasOlder: boolean;
  isLoadingOlder: boolean;
  loadOlder(): void;
  error: unknown;
  authorLabel(m: ChatMessage): string | null;
  onRetry(m: ChatMessage): Promise<void>;
  now: number;
}

/**
 * The thread. Stays pinned to the newest message while the reader is at the bottom; when they
 * have scrolled up, new messages wait behind a "New messages" button instead of yanking the view.
 * Older pages load near the top without moving what is on screen.
 */
export function MessageLog(props: MessageLogProps) {
  const { messages, localMessages, hasOlder, isLoadingOlder, loadOlder } = props;
  const logRef = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const snapshot = useRef<{ first?: string; last?: string; height: number; top: number }>({ height: 0, top: 0 });
  const [unseen, setUnseen] = useState(0);

  const all = localMessages.length ? [...messages, ...localMessages] : messages;
  const first = all[0]?.id;
  const last = all.at(-1)?.id;

  const scrollToEnd = useCallback(() => {
    const el = logRef.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    pinned.current = true;
    setUnseen(0);
  }, []);

  // After each change of the rendered messages: keep the view where the reader expects it.
  useLayoutEffect(() => {
    const el = logRef.current;
    if (!el) return;
    const before = snapshot.current;
    if (before.last === undefined) {
      el.scrollTop = el.scrollHeight; // first render with messages: start at the newest
    } else if (first !== before.first && last === before.last) {
      el.scrollTop = before.top + (el.scrollHeight - before.height); // older page prepended
    } else if (last !== before.last) {
      // Sending from this tab always shows what was sent.
      const mine = localMessages.some((m) => m.id === last);
      if (pinned.current || mine) el.scrollTop = el.scrollHeight;
      else setUnseen((n) => n + 1);
    } else if (pinned.current) {
      el.scrollTop = el.scrollHeight; // a bubble grew (status, retry note) while pinned
    }
    snapshot.current = { first, last, height: el.scrollHeight, top: el.scrollTop };
  }, [messages, localMessages, first, last]);

  function onScroll() {
    const el = logRef.current;
    if (!el) return;
    pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < PIN_SLACK_PX;
    if (pinned.current && unseen) setUnseen(0);
    snapshot.current = { ...snapshot.current, height: el.scrollHeight, top: el.scrollTop };
    if (el.scrollTop < LOAD_OLDER_PX && hasOlder && !isLoadingOlder) loadOlder();
  }

  return (
    <div className={styles.logWrap}>
      <div ref={logRef} className={styles.log} role="log" aria-label={props.label} tabIndex={0} onScroll={onScroll} data-testid="message-log">
        {hasOlder || isLoadingOlder ? (
          <div className={styles.olderRow}>
            <button type="button" className="button button--ghost" onClick={loadOlder} disabled={isLoadingOlder}>
              {isLoadingOlder ? 'Loading older messages…' : 'Load older messages'}
            </button>
          </div>
        ) : null}
        {props.error && messages.length > 0 ? (
          <p className="alert alert--error" role="alert">
            {errorMessage(props.error, 'Could not load older messages.')}
          </p>
        ) : null}
        <ol className={styles.messages}>
          {all.map((m, i) => {
            const separator = i === 0 || dayKey(all[i - 1]!.createdAt) !== dayKey(m.createdAt);
            const local = localMessages.includes(m);
            return (
              <Fragment key={m.id}>
                {separator ? <li className={styles.day}>{dayLabel(m.createdAt, props.now)}</li> : null}
                <MessageBubble message={m} authorLabel={props.authorLabel(m)} local={local} onRetry={local ? undefined : props.onRetry} />
              </Fragment>
            );
          })}
        </ol>
      </div>
      {unseen > 0 ? (
        <button type="button" className={`button ${styles.pill}`} onClick={scrollToEnd}>
          {unseen === 1 ? '1 new message' : `${unseen} new messages`} ↓
        </button>
      ) : null}
    </div>
  );
}
