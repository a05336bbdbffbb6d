import type { Metadata } from 'next';
import Link from 'next/link';
import { BotList } from '@/components/dashboard/bot-list';

export const metadata: Metadata = { title: 'Dashboard' };

// The header is static; the list is a client component because it stays live over the socket.
export default function DashboardPage() {
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Dashboard</h1>
          <p>Every bot and its WhatsApp link, live.</p>
        </div>
        <Link className="button" href="/bots/new">
          Create bot
        </Link>
      </div>
      <BotList />
    </>
  );
}
