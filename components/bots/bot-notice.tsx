import Link from 'next/link';
import type { ReactNode } from 'react';

/** A full-page message on the bot page (deleted, not found, no access, failed) with the way back. */
export function BotNotice({ title, alert = false, children }: { title: string; alert?: boolean; children: ReactNode }) {
  return (
    <section className="card empty-state" role={alert ? 'alert' : undefined} aria-labelledby="bot-notice">
      <h1 id="bot-notice">{title}</h1>
      {children}
      <p>
        <Link className="button" href="/dashboard">
          Back to dashboard
        </Link>
      </p>
    </section>
  );
}
