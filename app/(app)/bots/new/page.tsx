import type { Metadata } from 'next';
import { Suspense } from 'react';
import { CreateBotWizard } from '@/components/bots/create-bot-wizard';

export const metadata: Metadata = { title: 'Create bot' };

export default function NewBotPage() {
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Create bot</h1>
          <p>Name your bot, set how it replies, then link WhatsApp with a QR code.</p>
        </div>
      </div>
      {/* useSearchParams needs a Suspense boundary for static rendering. */}
      <Suspense fallback={<p className="muted">Loading…</p>}>
        <CreateBotWizard />
      </Suspense>
    </>
  );
}
