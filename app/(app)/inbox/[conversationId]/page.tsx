import type { Metadata } from 'next';
import { ConversationThread } from '@/components/inbox/conversation-thread';

export const metadata: Metadata = { title: 'Inbox' };

export default async function ConversationPage({ params }: { params: Promise<{ conversationId: string }> }) {
  const { conversationId } = await params;
  // Keyed: another conversation starts with a fresh thread state (scroll, local messages).
  return <ConversationThread key={conversationId} conversationId={conversationId} />;
}
