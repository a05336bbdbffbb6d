'use client';

import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import useSWR from 'swr';
import { useActiveWorkspaceId } from '@/hooks/use-workspace';
import { apiRequest } from '@/lib/api/fetcher';
import type { BotChannel } from '@/lib/db/schema';
import type { BotView } from '@/lib/services/bots/to-bot-view';
import type { BotSettings } from '@/lib/validation/bot-settings';
import { AppError } from '@/lib/errors';
import { BotBehaviourForm } from './bot-behaviour-form';
import { BotDetailsForm } from './bot-details-form';
import { ChannelChoice } from './channel-choice';
import { CloudApiSetup } from './cloud-api-setup';
import { LinkWhatsApp } from './link-whatsapp';
import { WizardSteps, type WizardStepId } from './wizard-steps';

const STEPS: readonly WizardStepId[] = ['details', 'behaviour', 'link', 'done'];

/**
 * /bots/new: name → behaviour → link WhatsApp → done. The bot exists after step 1 and the step
 * lives in the URL (`?bot=…&step=…`), so the wizard can be left and resumed, and Back works.
 */
export function CreateBotWizard() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const botId = params.get('bot');
  const requested = params.get('step') as WizardStepId | null;
  const step: WizardStepId = botId && requested && STEPS.includes(requested) ? requested : botId ? 'behaviour' : 'details';

  const { data: bot, error, mutate } = useSWR<BotView>(botId ? `/api/v1/bots/${botId}` : null);
  const [linked, setLinked] = useState(false);
  const [channel, setChannel] = useState<BotChannel>('whatsapp_web');
  // New bots go to the workspace the header shows.
  const workspaceId = useActiveWorkspaceId();

  const go = (next: WizardStepId, id: string | null = botId) => {
    const q = new URLSearchParams();
    if (id) q.set('bot', id);
    q.set('step', next);
    router.replace(`${pathname}?${q.toString()}`, { scroll: false });
  };

  // Focus the step's heading on every step change so keyboard users land in the new content.
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), [step]);

  if (botId && error) {
    const code = error instanceof AppError ? error.code : 'internal';
    return (
      <section className="card empty-state" role="alert">
        <h2>{code === 'not_found' ? 'This bot no longer exists' : 'Could not load this bot'}</h2>
        <p>{error instanceof Error ? error.message : 'Try again.'}</p>
        <div className="link__actions">
          <Link className="button" href="/bots/new">
            Start a new bot
          </Link>
          {code === 'not_found' ? null : (
            <button type="button" className="button button--secondary" onClick={() => void mutate()}>
              Retry
            </button>
          )}
        </div>
      </section>
    );
  }

  const shown: WizardStepId = linked ? 'done' : step;
  return (
    <>
      <WizardSteps current={shown} />
      <section className="card" aria-labelledby="wizard-step-title">
        {step === 'details' ? (
          <>
            <h2 id="wizard-step-title" ref={headingRef} tabIndex={-1} className="wizard__title">
              Name your bot
            </h2>
            {bot ? null : <ChannelChoice value={channel} onChange={setChannel} />}
            <BotDetailsForm
              // Remount when the bot loads (resuming with Back), so the fields start from it.
              key={bot?.id ?? 'new'}
              initial={{ name: bot?.name ?? '', description: bot?.description ?? '' }}
              // Back from step 2 edits the bot made in step 1 instead of creating a second one.
              save={(details) =>
                bot
                  ? apiRequest<BotView>('PATCH', `/api/v1/bots/${bot.id}`, details)
                  : apiRequest<BotView>('POST', '/api/v1/bots', { ...details, channel, ...(workspaceId ? { workspaceId } : {}) })
              }
              onSaved={(saved) => {
                void mutate(saved, { revalidate: false });
                go('behaviour', saved.id);
              }}
              submitLabel={bot ? 'Save and continue' : 'Create bot'}
              actions={
                <Link className="button button--ghost" href="/dashboard">
                  Cancel
                </Link>
              }
            />
          </>
        ) : !bot ? (
          <p className="muted" role="status">
            Loading your bot…
          </p>
        ) : step === 'behaviour' ? (
          <>
            <h2 id="wizard-step-title" ref={headingRef} tabIndex={-1} className="wizard__title">
              How should {bot.name} reply?
            </h2>
            <p className="muted">All optional: you can change these later on the bot’s page.</p>
            <BotBehaviourForm
              initial={bot.settings}
              submitLabel="Save and continue"
              onSubmit={async (settings: BotSettings) => {
                const saved = await apiRequest<BotView>('PATCH', `/api/v1/bots/${bot.id}`, { settings });
                void mutate(saved, { revalidate: false });
                go('link');
              }}
              onBack={() => go('details')}
              backLabel="Back"
            />
          </>
        ) : (
          <>
            <h2 id="wizard-step-title" ref={headingRef} tabIndex={-1} className="visually-hidden">
              Link WhatsApp to {bot.name}
            </h2>
            {bot.channel === 'cloud_api' ? (
              <CloudApiSetup
                bot={bot}
                onLinked={(saved) => {
                  void mutate(saved, { revalidate: false });
                  setLinked(true);
                }}
                actions={
                  linked ? (
                    <Link className="button button--secondary" href={`/bots/${bot.id}`}>
                      Open {bot.name}
                    </Link>
                  ) : (
                    <button type="button" className="button button--secondary" onClick={() => go('behaviour')}>
                      Back
                    </button>
                  )
                }
              />
            ) : (
              <LinkWhatsApp
                botId={bot.id}
                onLinked={() => setLinked(true)}
                secondary={{ label: 'Back', onClick: () => go('behaviour') }}
                successExtra={
                  <Link className="button button--secondary" href="/bots/new">
                    Create another bot
                  </Link>
                }
              />
            )}
            {!linked ? (
              <p className="muted wizard__later">
                {bot.channel === 'cloud_api' ? 'Credentials not at hand?' : 'No phone at hand?'} <Link href={`/bots/${bot.id}`}>Finish later</Link> —
                the bot is saved, and its page has “{bot.channel === 'cloud_api' ? 'Cloud API settings' : 'Link WhatsApp'}”.
              </p>
            ) : null}
          </>
        )}
      </section>
    </>
  );
}
