'use client';

import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { TextAreaField } from '@/components/ui/text-area-field';
import { TextField } from '@/components/ui/text-field';
import { fieldErrors } from '@/lib/api/fetcher';
import {
  CLOSED_DAY,
  HANDOFF_MAX,
  TEXT_MAX,
  placeErrors,
  toFormState,
  toSettingsInput,
  without,
  type BehaviourFormState,
  type DayRow,
  type RuleRow,
} from '@/lib/client/bot-behaviour-form-state';
import { browserTimeZone } from '@/lib/client/time-zones';
import { errorMessage } from '@/lib/errors';
import { botSettings, type AutoReplyRule, type BotSettings } from '@/lib/validation/bot-settings';
import { issuesByPath } from '@/lib/validation/issues-by-path';
import { AutoReplyEditor } from './auto-reply-editor';
import styles from './bot-page.module.css';
import { BusinessHoursEditor } from './business-hours-editor';
import { TimeZoneField } from './time-zone-field';

interface BotBehaviourFormProps {
  initial: BotSettings;
  submitLabel: string;
  onSubmit: (settings: BotSettings) => Promise<void>;
  onBack?: () => void;
  backLabel?: string;
  secondaryAction?: ReactNode;
  /** Shown (role=status) after a successful submit until the next edit; the wizard moves on instead. */
  savedMessage?: string;
}

/**
 * What a bot does on its own: welcome message, keyword auto-replies, fallback, away message
 * with business hours, and the handoff keyword. The creation wizard's step 2 and the bot page
 * share it. Validates with the API's own schema before calling `onSubmit`, and shows a 422's
 * field errors beside the same fields.
 */
export function BotBehaviourForm({ initial, submitLabel, onSubmit, onBack, backLabel = 'Back', secondaryAction, savedMessage }: BotBehaviourFormProps) {
  const [state, setState] = useState(() => toFormState(initial));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  // Bumped after each failed attempt, so focus moves to the first invalid field.
  const [attempt, setAttempt] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const zoneDefaulted = useRef(initial.away.enabled);

  useEffect(() => {
    if (attempt === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [attempt]);

  function edit(patch: Partial<BehaviourFormState>, ...clear: string[]) {
    setState((s) => ({ ...s, ...patch }));
    if (clear.length) setErrors((e) => without(e, ...clear));
    setSaved(false);
  }

  function editRule(key: number, patch: Partial<AutoReplyRule>) {
    setState((s) => ({ ...s, rules: s.rules.map((r) => (r.key === key ? { ...r, ...patch } : r)) }));
    setErrors((e) => without(e, ...Object.keys(patch).map((field) => `rule.${key}.${field}`)));
    setSaved(false);
  }

  function addRule(rule: RuleRow) {
    edit({ rules: [...state.rules, rule] }, 'autoReplies');
  }

  function removeRule(key: number) {
    edit({ rules: state.rules.filter((r) => r.key !== key) }, `rule.${key}.pattern`, `rule.${key}.reply`, `rule.${key}.match`, 'autoReplies');
  }

  function editDay(day: number, patch: Partial<DayRow>) {
    setState((s) => ({ ...s, days: { ...s.days, [day]: { ...(s.days[day] ?? CLOSED_DAY), ...patch } } }));
    setErrors((e) => without(e, `day.${day}.start`, `day.${day}.end`, 'away.hours'));
    setSaved(false);
  }

  function toggleAway(enabled: boolean) {
    const patch: Partial<BehaviourFormState> = { awayEnabled: enabled };
    // A bot that never had an away message still carries the schema's UTC: start from the
    // browser's own zone instead, once, and only if the user has not picked one.
    if (enabled && !zoneDefaulted.current) {
      zoneDefaulted.current = true;
      if (state.timezone === 'UTC') patch.timezone = browserTimeZone();
    }
    edit(patch, 'away.enabled');
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (saving) return;
    setFormError(null);
    setSaved(false);
    const show = (raw: Record<string, string>, fallback?: string) => {
      const placed = placeErrors(raw, state);
      setErrors(placed.errors);
      const rest = placed.rest.length > 0 ? placed.rest.join(' ') : Object.keys(placed.errors).length === 0 ? fallback : undefined;
      setFormError(rest ?? null);
      setAttempt((n) => n + 1);
    };

    const parsed = botSettings.safeParse(toSettingsInput(state));
    if (!parsed.success) {
      show(issuesByPath(parsed.error.issues), 'Check the highlighted fields.');
      return;
    }

    setErrors({});
    setSaving(true);
    try {
      await onSubmit(parsed.data);
      if (savedMessage) setSaved(true);
    } catch (err) {
      const byField = fieldErrors(err);
      const message = errorMessage(err, 'Could not save. Try again.');
      if (Object.keys(byField).length > 0) show(byField, message);
      else {
        setFormError(message);
        setAttempt((n) => n + 1);
      }
    } finally {
      setSaving(false);
    }
  }

  return (
    <form ref={formRef} className={`form ${styles.form}`} onSubmit={submit} noValidate aria-busy={saving || undefined}>
      <TextAreaField
        label="Welcome message"
        value={state.welcomeMessage}
        maxLength={TEXT_MAX}
        hint="Sent to a contact the first time they write. Leave empty to send none."
        error={errors.welcomeMessage}
        onChange={(e) => edit({ welcomeMessage: e.target.value }, 'welcomeMessage')}
      />

      <AutoReplyEditor rules={state.rules} errors={errors} onAdd={addRule} onEdit={editRule} onRemove={removeRule} />

      <TextAreaField
        label="Fallback reply"
        value={state.fallbackReply}
        maxLength={TEXT_MAX}
        hint="Sent when no auto-reply matches. Leave empty to stay quiet."
        error={errors.fallbackReply}
        onChange={(e) => edit({ fallbackReply: e.target.value }, 'fallbackReply')}
      />

      <fieldset className={styles.section}>
        <legend>Outside business hours</legend>
        <label className={styles.check}>
          <input type="checkbox" checked={state.awayEnabled} onChange={(e) => toggleAway(e.target.checked)} />
          Send an away message outside business hours
        </label>
        {errors['away.enabled'] ? (
          <span className="field__error" role="alert">
            {errors['away.enabled']}
          </span>
        ) : null}
        {state.awayEnabled ? (
          <>
            <TextAreaField
              label="Away message"
              value={state.awayMessage}
              maxLength={TEXT_MAX}
              hint="Sent when a contact writes outside business hours."
              error={errors['away.message']}
              onChange={(e) => edit({ awayMessage: e.target.value }, 'away.message')}
            />
            <TimeZoneField value={state.timezone} error={errors['away.timezone']} onChange={(timezone) => edit({ timezone }, 'away.timezone')} />
            <BusinessHoursEditor days={state.days} errors={errors} onEditDay={editDay} />
          </>
        ) : null}
      </fieldset>

      <fieldset className={styles.section}>
        <legend>Handoff to a person</legend>
        <TextField
          label="Handoff keyword"
          value={state.handoffKeyword}
          maxLength={HANDOFF_MAX}
          autoComplete="off"
          placeholder="e.g. agent"
          hint="When a contact sends this word, the bot stops replying and the conversation waits for a person."
          error={errors.handoffKeyword}
          onChange={(e) => edit({ handoffKeyword: e.target.value }, 'handoffKeyword')}
        />
      </fieldset>

      {formError ? (
        <p className="alert alert--error" role="alert">
          {formError}
        </p>
      ) : null}

      <div className={styles.actions}>
        {onBack ? (
          <button type="button" className="button button--secondary" onClick={onBack} disabled={saving}>
            {backLabel}
          </button>
        ) : null}
        <button type="submit" className="button" disabled={saving}>
          {saving ? 'Saving…' : submitLabel}
        </button>
        {secondaryAction}
        <span role="status" className="muted">
          {saved ? savedMessage : null}
        </span>
      </div>
    </form>
  );
}
