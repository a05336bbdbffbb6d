import type { Metadata } from 'next';
import { LinkBotPage } from '@/components/bots/link-bot-page';

export const metadata: Metadata = { title: 'Link WhatsApp' };

export default async function LinkPage({ params }: { params: Promise<{ botId: string }> }) {
  const { botId } = await params;
  return <LinkBotPage botId={botId} />;
}
