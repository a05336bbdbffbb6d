import type { Metadata } from 'next';
import { EmptyIcon } from '@/components/ui/empty-icon';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Dashboard' };

export default function DashboardPage() {
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Dashboard</h1>
          <p>Every bot and its WhatsApp link, live.</p>
        </div>
      </div>
      <section className="card empty-state" aria-labelledby="no-bots">
        <EmptyIcon name="chat" />
        <h2 id="no-bots">No bots yet</h2>
        <p>Create a bot, link its WhatsApp account by scanning a QR code, and it starts answering your contacts.</p>
        <Link className="button" href="/bots/new">
          Create bot
        </Link>
      </section>
    </>
  );
}
