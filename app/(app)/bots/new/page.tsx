import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { CreateBotWizard } from '@/components/bots/create-bot-wizard';
import { currentWorkspace } from '@/lib/auth/current-principal';
import { AGENT_BOT_REASON, canManage } from '@/lib/auth/roles';

export const metadata: Metadata = { title: 'Create bot' };

export default async function NewBotPage() {
  const current = await currentWorkspace();
  const manager = canManage(current?.active?.role);
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Create bot</h1>
          <p>Name your bot, set how it replies, then link WhatsApp with a QR code.</p>
        </div>
      </div>
      {manager ? (
        // useSearchParams needs a Suspense boundary for static rendering.
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <CreateBotWizard />
        </Suspense>
      ) : (
        <section className="card empty-state" role="status">
          <h2>Only owners and admins can create bots</h2>
          <p>{AGENT_BOT_REASON}</p>
          <Link className="button button--secondary" href="/dashboard">
            Back to dashboard
          </Link>
        </section>
      )}
    </>
  );
}
