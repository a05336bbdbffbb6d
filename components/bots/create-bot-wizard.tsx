'use client';

import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import useSWR from 'swr';
import { apiRequest, fieldErrors } from '@/lib/api/fetcher';
import type { BotView } from '@/lib/services/bots/to-bot-view';
import type { BotSettings } from '@/lib/validation/bot-settings';
import { AppError } from '@/lib/errors';
import { BotBehaviourForm } from './bot-behaviour-form';
import { BotDetailsFields } from './bot-details-fields';
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
            <DetailsStep
              // Remount when the bot loads (resuming with Back), so the fields start from it.
              key={bot?.id ?? 'new'}
              bot={bot}
              onSaved={(saved) => {
                void mutate(saved, { revalidate: false });
                go('behaviour', saved.id);
              }}
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
            {!linked ? (
              <p className="muted wizard__later">
                No phone at hand? <Link href={`/bots/${bot.id}`}>Finish later</Link> — the bot is saved, and its page has “Link WhatsApp”.
              </p>
            ) : null}
          </>
        )}
      </section>
    </>
  );
}

function DetailsStep({ bot, onSaved }: { bot: BotView | undefined; onSaved: (bot: BotView) => void }) {
  const [value, setValue] = useState({ name: bot?.name ?? '', description: bot?.description ?? '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setErrors({});
    setFormError(null);
    if (!value.name.trim()) {
      setErrors({ name: 'Enter a bot name.' });
      return;
    }
    setSaving(true);
    try {
      // Back from step 2 edits the bot made in step 1 instead of creating a second one.
      const saved = bot
        ? await apiRequest<BotView>('PATCH', `/api/v1/bots/${bot.id}`, value)
        : await apiRequest<BotView>('POST', '/api/v1/bots', value);
      onSaved(saved);
    } catch (err) {
      const byField = fieldErrors(err);
      if (Object.keys(byField).length > 0) setErrors(byField);
      else setFormError(err instanceof AppError ? err.message : 'Could not save the bot. Try again.');
    } finally {
      setSaving(false);
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <BotDetailsFields value={value} onChange={setValue} errors={errors} />
      {formError ? (
        <p className="alert alert--error" role="alert">
          {formError}
        </p>
      ) : null}
      <div className="link__actions">
        <button type="submit" className="button" disabled={saving}>
          {saving ? 'Saving…' : bot ? 'Save and continue' : 'Create bot'}
        </button>
        <Link className="button button--ghost" href="/dashboard">
          Cancel
        </Link>
      </div>
    </form>
  );
}
