'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import useSWR from 'swr';
import { useRoleIn } from '@/hooks/use-workspace';
import { canManage } from '@/lib/auth/roles';
import { AppError } from '@/lib/errors';
import type { BotView } from '@/lib/services/bots/to-bot-view';
import { CloudApiSetup } from './cloud-api-setup';
import { LinkWhatsApp } from './link-whatsapp';

/** /bots/{id}/link: the wizard's link step on its own, for "Link WhatsApp" / "Relink" buttons. */
export function LinkBotPage({ botId }: { botId: string }) {
  const router = useRouter();
  const { data: bot, error, mutate } = useSWR<BotView>(`/api/v1/bots/${botId}`);
  // "Already linked" is decided by the status on arrival: the cached bot turns CONNECTED live
  // when this page links it, and the success view must stay on screen then.
  const [linkedOnArrival, setLinkedOnArrival] = useState<boolean | null>(null);
  if (bot && linkedOnArrival === null) setLinkedOnArrival(bot.status === 'CONNECTED');
  const manager = canManage(useRoleIn(bot?.workspaceId));

  if (error) {
    const code = error instanceof AppError ? error.code : 'internal';
    return (
      <section className="card empty-state" role="alert">
        <h1>{code === 'not_found' || code === 'validation_failed' ? 'Bot not found' : code === 'forbidden' ? 'You cannot link this bot' : 'Could not load this bot'}</h1>
        <p>{error instanceof Error ? error.message : 'Try again.'}</p>
        <div className="link__actions">
          <Link className="button" href="/dashboard">
            Back to dashboard
          </Link>
          {code === 'internal' || code === 'service_unavailable' ? (
            <button type="button" className="button button--secondary" onClick={() => void mutate()}>
              Retry
            </button>
          ) : null}
        </div>
      </section>
    );
  }
  if (!bot) {
    return (
      <p className="muted" role="status">
        Loading…
      </p>
    );
  }
  return (
    <>
      <div className="page-header">
        <div>
          <h1>{bot.channel === 'cloud_api' ? `Cloud API settings for ${bot.name}` : `Link WhatsApp to ${bot.name}`}</h1>
          <p>
            <Link href={`/bots/${bot.id}`}>Back to {bot.name}</Link>
          </p>
        </div>
      </div>
      {!manager ? (
        // QR codes are credentials: agents are never shown one (nor subscribed to the session).
        <section className="card" role="status">
          <h2>Only owners and admins can link WhatsApp</h2>
          <p>
            Ask an owner or admin of this workspace to link {bot.name}. You can still read the <Link href={`/bots/${bot.id}`}>bot’s page</Link> and
            answer its conversations in the inbox.
          </p>
        </section>
      ) : bot.channel === 'cloud_api' ? (
        <section className="card">
          <CloudApiSetup bot={bot} onLinked={(saved) => void mutate(saved, { revalidate: false })} />
        </section>
      ) : linkedOnArrival ? (
        <section className="card" role="status">
          <h2>Already linked</h2>
          <p>
            {bot.name} is linked to {bot.phoneNumber ? `+${bot.phoneNumber}` : 'a phone'}. To link a different phone, log out of WhatsApp on the{' '}
            <Link href={`/bots/${bot.id}`}>bot’s page</Link> first.
          </p>
        </section>
      ) : (
      <section className="card">
        <LinkWhatsApp botId={bot.id} secondary={{ label: 'Back to bot', onClick: () => router.push(`/bots/${bot.id}`) }} />
      </section>
      )}
    </>
  );
}
