import type { Metadata } from 'next';
import { BotPage } from '@/components/bots/bot-page';

export const metadata: Metadata = { title: 'Bot' };

/** One bot: its WhatsApp link, details, behaviour and connection history (loaded and kept live in the browser). */
export default async function BotRoute({ params }: { params: Promise<{ botId: string }> }) {
  const { botId } = await params;
  return <BotPage botId={botId} />;
}
