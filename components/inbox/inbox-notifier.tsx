'use client';

import { useRouter } from 'next/navigation';
import { useInboxNotifications } from '@/hooks/use-inbox-notifications';

/** Browser notifications for contacts' messages while the tab is hidden, on every signed-in page. */
export function InboxNotifier() {
  const router = useRouter();
  useInboxNotifications((conversationId) => router.push(`/inbox/${conversationId}`));
  return null;
}
