import type { Metadata } from 'next';
import { EmptyIcon } from '@/components/ui/empty-icon';

export const metadata: Metadata = { title: 'Inbox' };

export default function InboxPage() {
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Inbox</h1>
          <p>Conversations with your contacts, live, with handoff from the bot.</p>
        </div>
      </div>
      <section className="card empty-state" aria-labelledby="no-conversations">
        <EmptyIcon name="inbox" />
        <h2 id="no-conversations">No conversations yet</h2>
        <p>When contacts write to one of your linked bots, their conversations appear here instantly.</p>
      </section>
    </>
  );
}
