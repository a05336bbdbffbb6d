import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { SimulatorPanel } from '@/components/simulator/simulator-panel';
import { env } from '@/lib/env';

export const metadata: Metadata = { title: 'Phone simulator' };
export const dynamic = 'force-dynamic';

/** A fake phone for demos and tests; exists only when WHATSAPP_ENGINE=simulator. */
export default function SimulatorPage() {
  if (env().WHATSAPP_ENGINE !== 'simulator') notFound();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Phone simulator</h1>
          <p>Stand in for a phone: link a bot&rsquo;s pending QR code, then chat with the bot as one of its contacts.</p>
        </div>
      </div>
      <SimulatorPanel />
    </>
  );
}
