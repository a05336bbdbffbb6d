import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Create bot' };

// The creation wizard (name → behaviour → link WhatsApp → success) lands with the wizard issue;
// until then this page says so plainly instead of a dead button or a 404.
export default function NewBotPage() {
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Create bot</h1>
          <p>Name your bot, set how it replies, then link WhatsApp with a QR code.</p>
        </div>
      </div>
      <section className="card empty-state">
        <h2>Bot creation is not available in this version yet</h2>
        <p>This Parley build has accounts, workspaces and the live connection. The bot wizard and WhatsApp linking come in the next release.</p>
        <Link className="button button--secondary" href="/dashboard">
          Back to dashboard
        </Link>
      </section>
    </>
  );
}
