import type { Metadata } from 'next';
import Link from 'next/link';
import { BotList } from '@/components/dashboard/bot-list';
import { currentWorkspace } from '@/lib/auth/current-principal';
import { canManage } from '@/lib/auth/roles';

export const metadata: Metadata = { title: 'Dashboard' };

// The header is static; the list is a client component because it stays live over the socket.
export default async function DashboardPage() {
  const current = await currentWorkspace();
  const manager = canManage(current?.active?.role);
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Dashboard</h1>
          <p>Every bot and its WhatsApp link, live.</p>
        </div>
        {manager ? (
          <Link className="button" href="/bots/new">
            Create bot
          </Link>
        ) : null}
      </div>
      <BotList />
    </>
  );
}
