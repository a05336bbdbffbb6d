'use client';

import { useEffect, useRef, useState } from 'react';

/**
 * A freshly created invitation link, selected and ready to copy. It is shown this once: only a
 * hash of it is stored, so it cannot be displayed again later (create a new invite instead).
 */
export function InviteLink({ url, email, expiresAt }: { url: string; email: string; expiresAt: string }) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);

  useEffect(() => {
    inputRef.current?.select();
  }, [url]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('yes');
    } catch {
      // No clipboard permission (or plain http): the text is selected for Ctrl+C instead.
      inputRef.current?.select();
      setCopied('failed');
    }
  }

  return (
    <div className="invite-link" data-testid="invite-link">
      <label className="field__label" htmlFor="invite-link-url">
        Invitation link for {email}
      </label>
      <div className="invite-link__row">
        <input id="invite-link-url" ref={inputRef} className="field__input" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="button button--secondary" onClick={() => void copy()}>
          Copy link
        </button>
      </div>
      <p className="field__hint" role="status">
        {copied === 'yes'
          ? 'Copied. '
          : copied === 'failed'
            ? 'Copying is not allowed here: the link is selected, press Ctrl+C (⌘C). '
            : ''}
        Send it to {email} yourself (Parley sends no email). It works once, only for that address, until{' '}
        {new Date(expiresAt).toLocaleDateString(undefined, { dateStyle: 'medium' })}.
      </p>
    </div>
  );
}
