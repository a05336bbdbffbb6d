import type { Metadata } from 'next';
import { NoConversationSelected } from '@/components/inbox/no-conversation-selected';

export const metadata: Metadata = { title: 'Inbox' };

export default function InboxPage() {
  return <NoConversationSelected />;
}
