'use client';

import Link from 'next/link';
import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { errorMessage } from '@/lib/errors';
import styles from './inbox.module.css';

/** WhatsApp's limit for one text message. */
export const MAX_MESSAGE_CHARS = 4096;
const SHOW_COUNT_FROM = MAX_MESSAGE_CHARS - 300;

interface MessageComposerProps {
  /** Why sending is impossible right now (the bot is not connected…), or null. */
  disabledReason: string | null;
  /** Where to fix it (the bot's link page), when the reader may. */
  fixHref?: string;
  fixLabel?: string;
  /** Sending pauses the bot for this conversation: say so while it is still answering. */
  botActive: boolean;
  onSend(text: string): Promise<void>;
}

/**
 * Enter sends, Shift+Enter starts a new line. The box empties at once (the message shows as
 * "sending" in the thread); if the server refuses it, the text comes back with the reason.
 */
export function MessageComposer({ disabledReason, fixHref, fixLabel, botActive, onSend }: MessageComposerProps) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const id = useId();
  const disabled = disabledReason !== null;
  const trimmed = text.trim();
  const tooLong = text.length > MAX_MESSAGE_CHARS;

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (disabled || !trimmed || tooLong) return;
    const sent = text;
    setText('');
    setError(null);
    try {
      await onSend(sent);
    } catch (err) {
      // Nothing is lost: the text comes back unless something new was typed meanwhile.
      setText((current) => (current === '' ? sent : current));
      setError(errorMessage(err, 'The message could not be sent. Try again.'));
    }
    inputRef.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    }
  }

  return (
    <form className={styles.composer} onSubmit={submit} aria-label="Reply">
      {disabledReason ? (
        <p className={styles.composerNote} role="status" data-testid="composer-disabled">
          {disabledReason}
          {fixHref ? (
            <Link className="button button--secondary" href={fixHref}>
              {fixLabel ?? 'Fix'}
            </Link>
          ) : null}
        </p>
      ) : null}
      {error ? (
        <p className="alert alert--error" role="alert">
          {error}
        </p>
      ) : null}
      <div className={styles.composerRow}>
        <label htmlFor={id} className="visually-hidden">
          Your reply
        </label>
        <textarea
          id={id}
          ref={inputRef}
          className={`field__input ${styles.composerInput}`}
          rows={1}
          placeholder={disabled ? 'Sending is unavailable' : 'Write a reply'}
          value={text}
          disabled={disabled}
          aria-invalid={tooLong || undefined}
          aria-describedby={`${id}-hint`}
          onChange={(e) => {
            setText(e.target.value);
            if (error) setError(null);
          }}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="button" disabled={disabled || !trimmed || tooLong}>
          Send
        </button>
      </div>
      <p id={`${id}-hint`} className={styles.composerHint}>
        {text.length >= SHOW_COUNT_FROM ? `${text.length.toLocaleString()} / ${MAX_MESSAGE_CHARS.toLocaleString()} characters · ` : ''}
        Enter to send, Shift+Enter for a new line.{botActive ? ' Replying pauses the bot in this conversation.' : ''}
      </p>
    </form>
  );
}
