'use client';

import Link from 'next/link';
import { forwardRef, useState } from 'react';
import { StatusBadge } from '@/components/bots/status-badge';
import type { ConversationPatch } from '@/hooks/use-inbox-actions';
import { contactLabel, formatPhone } from '@/lib/client/inbox-format';
import { errorMessage } from '@/lib/errors';
import type { BotView } from '@/lib/services/bots/to-bot-view';
import type { ConversationView } from '@/lib/services/conversations/views';
import styles from './inbox.module.css';

interface ThreadHeaderProps {
  conversation: ConversationView;
  bot: BotView | undefined;
  meId: string | null;
  assigneeName: string | null;
  onUpdate(patch: ConversationPatch): Promise<unknown>;
}

type Action = 'assign' | 'bot' | 'status';

/** Who the contact is, which bot answers, and the agent's controls: assign, pause/resume the bot, resolve/reopen. */
export const ThreadHeader = forwardRef<HTMLHeadingElement, ThreadHeaderProps>(function ThreadHeader(
  { conversation: c, bot, meId, assigneeName, onUpdate },
  headingRef,
) {
  const [busy, setBusy] = useState<Action | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mine = !!meId && c.assigneeId === meId;

  async function run(action: Action, patch: ConversationPatch) {
    setBusy(action);
    setError(null);
    try {
      await onUpdate(patch);
    } catch (err) {
      setError(errorMessage(err, 'That did not work. Try again.'));
    } finally {
      setBusy(null);
    }
  }

  return (
    <header className={styles.threadHeader}>
      <Link href="/inbox" className={styles.back}>
        ← All conversations
      </Link>
      <div className={styles.threadTitle}>
        <h2 ref={headingRef} tabIndex={-1} data-testid="thread-title">
          {contactLabel(c)}
        </h2>
        <p className={styles.threadMeta}>
          {c.contactName ? <span>{formatPhone(c.contactPhone)}</span> : null}
          {bot ? (
            <span>
              via {bot.name} <StatusBadge status={bot.status} />
            </span>
          ) : null}
          <span data-testid="thread-assignee">{mine ? 'Assigned to you' : assigneeName ? `Assigned to ${assigneeName}` : 'Unassigned'}</span>
          {c.needsHuman ? (
            <span className={styles.marker} data-tone="alert">
              Needs a person
            </span>
          ) : null}
          {c.botPaused ? (
            <span className={styles.marker} data-tone="warning" data-testid="bot-paused">
              Bot paused
            </span>
          ) : null}
          {c.status === 'resolved' ? <span className={styles.marker}>Resolved</span> : null}
        </p>
      </div>
      <div className={styles.threadActions} role="group" aria-label="Conversation actions">
        <button
          type="button"
          className="button button--secondary"
          disabled={busy !== null || !meId}
          onClick={() => void run('assign', { assigneeId: mine ? null : meId })}
        >
          {busy === 'assign' ? 'Saving…' : mine ? 'Unassign' : 'Assign to me'}
        </button>
        <button type="button" className="button button--secondary" disabled={busy !== null} onClick={() => void run('bot', { botPaused: !c.botPaused })}>
          {busy === 'bot' ? 'Saving…' : c.botPaused ? 'Resume bot' : 'Pause bot'}
        </button>
        <button
          type="button"
          className="button button--secondary"
          disabled={busy !== null}
          onClick={() => void run('status', { status: c.status === 'open' ? 'resolved' : 'open' })}
        >
          {busy === 'status' ? 'Saving…' : c.status === 'open' ? 'Resolve' : 'Reopen'}
        </button>
      </div>
      {error ? (
        <p className={`alert alert--error ${styles.threadError}`} role="alert">
          {error}
        </p>
      ) : null}
    </header>
  );
});
