'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, type ReactNode } from 'react';

const AUTO_CONTINUE_S = 3;

/** After a successful link: say so, then move on to the bot page (at once on click). */
export function LinkedRedirect({ botId, phoneNumber, displayName, extra }: { botId: string; phoneNumber: string | null; displayName: string | null; extra?: ReactNode }) {
  const router = useRouter();
  const [left, setLeft] = useState(AUTO_CONTINUE_S);
  const href = `/bots/${botId}`;
  // autoFocus does nothing on a link in React; focus it once so Enter continues at once.
  const openRef = useRef<HTMLAnchorElement>(null);
  useEffect(() => openRef.current?.focus(), []);

  useEffect(() => {
    if (left <= 0) {
      router.push(href);
      return;
    }
    const id = setTimeout(() => setLeft((n) => n - 1), 1_000);
    return () => clearTimeout(id);
  }, [left, router, href]);

  return (
    <section className="link link--success" aria-labelledby="linked-title" data-testid="link-success">
      <h2 id="linked-title">WhatsApp connected</h2>
      <dl className="definition">
        <dt>Phone number</dt>
        <dd data-testid="linked-phone">{phoneNumber ? `+${phoneNumber}` : 'Unknown'}</dd>
        <dt>WhatsApp name</dt>
        <dd data-testid="linked-name">{displayName ?? '—'}</dd>
      </dl>
      <p className="muted" role="status">
        Opening the bot page in {left} s…
      </p>
      <div className="link__actions">
        <Link className="button" href={href} ref={openRef}>
          Open bot now
        </Link>
        {extra}
      </div>
    </section>
  );
}
