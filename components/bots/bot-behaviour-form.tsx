'use client';

import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { fieldErrors } from '@/lib/api/fetcher';
import { AppError } from '@/lib/errors';
import { botSettings, isTimeZone, type AutoReplyRule, type BotSettings } from '@/lib/validation/bot-settings';
import styles from './bot-page.module.css';

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

// Mirrors lib/validation/bot-settings.ts; the schema stays the judge, these only stop typing early.
const MAX_RULES = 50;
const TEXT_MAX = 1000;
const KEYWORD_MAX = 100;
const HANDOFF_MAX = 50;

const MATCH_LABEL: Record<AutoReplyRule['match'], string> = {
  contains: 'Contains',
  exact: 'Is exactly',
  starts_with: 'Starts with',
};

// Monday first, as people read a week; the schema numbers days like Date#getDay (0 = Sunday).
const WEEK = [
  { day: 1, name: 'Monday' },
  { day: 2, name: 'Tuesday' },
  { day: 3, name: 'Wednesday' },
  { day: 4, name: 'Thursday' },
  { day: 5, name: 'Friday' },
  { day: 6, name: 'Saturday' },
  { day: 0, name: 'Sunday' },
] as const;

interface RuleRow extends AutoReplyRule {
  /** Stable React key and error anchor: row numbers shift when a row above is removed. */
  key: number;
}

interface DayRow {
  open: boolean;
  start: string;
  end: string;
}

interface FormState {
  welcomeMessage: string;
  rules: RuleRow[];
  fallbackReply: string;
  awayEnabled: boolean;
  awayMessage: string;
  timezone: string;
  days: Record<number, DayRow>;
  handoffKeyword: string;
}

// Paths shown beside a field as they are; rows are re-keyed below (`rule.{key}.*`, `day.{day}.*`).
const PLAIN_FIELDS = new Set(['welcomeMessage', 'autoReplies', 'fallbackReply', 'away.enabled', 'away.message', 'away.timezone', 'away.hours', 'handoffKeyword']);

function toFormState(settings: BotSettings): FormState {
  const days: Record<number, DayRow> = {};
  for (const { day } of WEEK) {
    // The API allows several ranges per day; this editor shows (and keeps) the first one.
    const hours = settings.away.hours.find((h) => h.day === day);
    days[day] = hours ? { open: true, start: hours.start, end: hours.end } : { open: false, start: '09:00', end: '17:00' };
  }
  return {
    welcomeMessage: settings.welcomeMessage,
    rules: settings.autoReplies.map((r, i) => ({ ...r, key: i })),
    fallbackReply: settings.fallbackReply,
    awayEnabled: settings.away.enabled,
    awayMessage: settings.away.message,
    timezone: settings.away.timezone,
    days,
    handoffKeyword: settings.handoffKeyword,
  };
}

function browserTimeZone(): string {
  try {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return tz && isTimeZone(tz) ? tz : 'UTC';
  } catch {
    return 'UTC';
  }
}

function timeZones(): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    // Older engines: the current value and UTC are still offered.
  }
  // V8 leaves UTC out of the list, but it is the schema's default.
  return ['UTC', ...zones.filter((z) => z !== 'UTC')];
}

/**
 * Error paths (from zod or a 422) → the keys the fields read. Rows are addressed by their
 * position in the submitted arrays, so they are mapped through the rows that were submitted.
 * Whatever has no visible field comes back in `rest`, for the form's alert.
 */
function placeErrors(raw: Record<string, string>, ruleKeys: number[], openDays: number[], awayShown: boolean) {
  const errors: Record<string, string> = {};
  const rest: string[] = [];
  for (const [path, message] of Object.entries(raw)) {
    const rule = /^autoReplies\.(\d+)\.(pattern|reply|match)$/.exec(path);
    const hours = /^away\.hours\.(\d+)\.(start|end)$/.exec(path);
    let key: string | undefined;
    if (rule) {
      const rowKey = ruleKeys[Number(rule[1])];
      key = rowKey === undefined ? undefined : `rule.${rowKey}.${rule[2]}`;
    } else if (hours) {
      const day = openDays[Number(hours[1])];
      key = day === undefined || !awayShown ? undefined : `day.${day}.${hours[2]}`;
    } else if (PLAIN_FIELDS.has(path) && (awayShown || !path.startsWith('away.') || path === 'away.enabled')) {
      key = path;
    }
    if (key) errors[key] ??= message;
    else rest.push(message);
  }
  return { errors, rest };
}

function without(errors: Record<string, string>, ...keys: string[]): Record<string, string> {
  if (!keys.some((k) => k in errors)) return errors;
  const next = { ...errors };
  for (const k of keys) delete next[k];
  return next;
}

/** A hint or an error under a field; `id` is what the field's aria-describedby points at. */
function FieldNote({ id, hint, error }: { id: string; hint?: string; error?: string }) {
  if (error) {
    return (
      <span id={id} className="field__error" role="alert">
        {error}
      </span>
    );
  }
  return hint ? (
    <span id={id} className="field__hint">
      {hint}
    </span>
  ) : null;
}

interface TextAreaFieldProps {
  id: string;
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  maxLength: number;
  hint?: string;
  error?: string;
  rows?: number;
  className?: string;
}

function TextAreaField({ id, label, value, onChange, maxLength, hint, error, rows = 3, className }: TextAreaFieldProps) {
  const noteId = `${id}-note`;
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <textarea
        id={id}
        className="field__input"
        rows={rows}
        maxLength={maxLength}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={hint || error ? noteId : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      <FieldNote id={noteId} hint={hint} error={error} />
    </div>
  );
}

/**
 * What a bot does on its own: welcome message, keyword auto-replies, fallback, away message
 * with business hours, and the handoff keyword. The creation wizard's step 2 and the bot page
 * share it. Validates with the API's own schema before calling `onSubmit`, and shows a 422's
 * field errors beside the same fields.
 */
export function BotBehaviourForm({ initial, submitLabel, onSubmit, onBack, backLabel = 'Back', secondaryAction, savedMessage }: BotBehaviourFormProps) {
  const uid = useId();
  const [state, setState] = useState(() => toFormState(initial));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  // Bumped after each failed attempt, so focus moves to the first invalid field.
  const [attempt, setAttempt] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const addRef = useRef<HTMLButtonElement>(null);
  const nextKey = useRef(initial.autoReplies.length);
  const focusRuleKey = useRef<number | null>(null);
  const focusAdd = useRef(false);
  const zoneDefaulted = useRef(initial.away.enabled);
  const zones = useMemo(() => timeZones(), []);

  // After a row is removed its button is gone; Add may only now be enabled again (at the limit).
  useEffect(() => {
    if (!focusAdd.current) return;
    focusAdd.current = false;
    addRef.current?.focus();
  });

  useEffect(() => {
    if (attempt === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [attempt]);

  const id = (...parts: (string | number)[]) => `${uid}-${parts.join('-')}`;

  function edit(patch: Partial<FormState>, ...clear: string[]) {
    setState((s) => ({ ...s, ...patch }));
    if (clear.length) setErrors((e) => without(e, ...clear));
    setSaved(false);
  }

  function editRule(key: number, patch: Partial<AutoReplyRule>) {
    setState((s) => ({ ...s, rules: s.rules.map((r) => (r.key === key ? { ...r, ...patch } : r)) }));
    setErrors((e) => without(e, ...Object.keys(patch).map((field) => `rule.${key}.${field}`)));
    setSaved(false);
  }

  function addRule() {
    const key = nextKey.current++;
    focusRuleKey.current = key;
    edit({ rules: [...state.rules, { key, pattern: '', reply: '', match: 'contains' }] }, 'autoReplies');
  }

  function removeRule(key: number) {
    edit({ rules: state.rules.filter((r) => r.key !== key) }, `rule.${key}.pattern`, `rule.${key}.reply`, `rule.${key}.match`, 'autoReplies');
    focusAdd.current = true;
  }

  function editDay(day: number, patch: Partial<DayRow>) {
    setState((s) => {
      const current = s.days[day] ?? { open: false, start: '09:00', end: '17:00' };
      return { ...s, days: { ...s.days, [day]: { ...current, ...patch } } };
    });
    setErrors((e) => without(e, `day.${day}.start`, `day.${day}.end`, 'away.hours'));
    setSaved(false);
  }

  function toggleAway(enabled: boolean) {
    const patch: Partial<FormState> = { awayEnabled: enabled };
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
    const ruleKeys = state.rules.map((r) => r.key);
    const openDays = WEEK.filter(({ day }) => state.days[day]?.open).map(({ day }) => day);
    const show = (raw: Record<string, string>, fallback?: string) => {
      const placed = placeErrors(raw, ruleKeys, openDays, state.awayEnabled);
      setErrors(placed.errors);
      const rest = placed.rest.length > 0 ? placed.rest.join(' ') : Object.keys(placed.errors).length === 0 ? fallback : undefined;
      setFormError(rest ?? null);
      setAttempt((n) => n + 1);
    };

    const parsed = botSettings.safeParse({
      welcomeMessage: state.welcomeMessage,
      autoReplies: state.rules.map(({ pattern, reply, match }) => ({ pattern, reply, match })),
      fallbackReply: state.fallbackReply,
      away: {
        enabled: state.awayEnabled,
        message: state.awayMessage,
        timezone: state.timezone,
        hours: openDays.map((day) => ({ day, start: state.days[day]?.start ?? '', end: state.days[day]?.end ?? '' })),
      },
      handoffKeyword: state.handoffKeyword,
    });
    if (!parsed.success) {
      const raw: Record<string, string> = {};
      for (const issue of parsed.error.issues) raw[issue.path.join('.')] ??= issue.message;
      show(raw, 'Check the highlighted fields.');
      return;
    }

    setErrors({});
    setSaving(true);
    try {
      await onSubmit(parsed.data);
      if (savedMessage) setSaved(true);
    } catch (err) {
      const byField = fieldErrors(err);
      const message = err instanceof AppError ? err.message : 'Could not save. Try again.';
      if (Object.keys(byField).length > 0) show(byField, message);
      else {
        setFormError(message);
        setAttempt((n) => n + 1);
      }
    } finally {
      setSaving(false);
    }
  }

  const awayMessageId = id('away-message');
  const timezoneId = id('timezone');
  const handoffId = id('handoff');
  const zoneOptions = zones.includes(state.timezone) ? zones : [state.timezone, ...zones];

  return (
    <form ref={formRef} className={`form ${styles.form}`} onSubmit={submit} noValidate aria-busy={saving || undefined}>
      <TextAreaField
        id={id('welcome')}
        label="Welcome message"
        value={state.welcomeMessage}
        maxLength={TEXT_MAX}
        hint="Sent to a contact the first time they write. Leave empty to send none."
        error={errors.welcomeMessage}
        onChange={(welcomeMessage) => edit({ welcomeMessage }, 'welcomeMessage')}
      />

      <fieldset className={styles.section}>
        <legend>Keyword auto-replies</legend>
        <p className="field__hint" style={{ margin: 0 }}>
          When a contact&rsquo;s message matches a keyword or phrase, the bot sends the reply.
        </p>
        {state.rules.length === 0 ? (
          <p className="muted" style={{ margin: 0 }}>
            No auto-replies yet.
          </p>
        ) : (
          <ol className={styles.rules}>
            {state.rules.map((rule, index) => {
              const n = index + 1;
              const patternId = id('rule', rule.key, 'pattern');
              const matchId = id('rule', rule.key, 'match');
              const replyId = id('rule', rule.key, 'reply');
              const patternError = errors[`rule.${rule.key}.pattern`];
              const matchError = errors[`rule.${rule.key}.match`];
              return (
                <li key={rule.key} className={styles.rule}>
                  <div className="field">
                    <label className="field__label" htmlFor={patternId}>
                      Keyword<span className="visually-hidden"> {n}</span>
                    </label>
                    <input
                      ref={(el) => {
                        if (el && focusRuleKey.current === rule.key) {
                          focusRuleKey.current = null;
                          el.focus();
                        }
                      }}
                      id={patternId}
                      className="field__input"
                      value={rule.pattern}
                      maxLength={KEYWORD_MAX}
                      autoComplete="off"
                      placeholder="e.g. opening hours"
                      aria-invalid={patternError ? true : undefined}
                      aria-describedby={patternError ? `${patternId}-note` : undefined}
                      onChange={(e) => editRule(rule.key, { pattern: e.target.value })}
                    />
                    <FieldNote id={`${patternId}-note`} error={patternError} />
                  </div>
                  <div className="field">
                    <label className="field__label" htmlFor={matchId}>
                      Match<span className="visually-hidden"> {n}</span>
                    </label>
                    <select
                      id={matchId}
                      className="field__input"
                      value={rule.match}
                      aria-invalid={matchError ? true : undefined}
                      aria-describedby={matchError ? `${matchId}-note` : undefined}
                      onChange={(e) => editRule(rule.key, { match: e.target.value as AutoReplyRule['match'] })}
                    >
                      {Object.entries(MATCH_LABEL).map(([value, label]) => (
                        <option key={value} value={value}>
                          {label}
                        </option>
                      ))}
                    </select>
                    <FieldNote id={`${matchId}-note`} error={matchError} />
                  </div>
                  <TextAreaField
                    id={replyId}
                    className={styles.wide}
                    label={
                      <>
                        Reply<span className="visually-hidden"> {n}</span>
                      </>
                    }
                    rows={2}
                    value={rule.reply}
                    maxLength={TEXT_MAX}
                    error={errors[`rule.${rule.key}.reply`]}
                    onChange={(reply) => editRule(rule.key, { reply })}
                  />
                  <div className={styles.ruleActions}>
                    <button type="button" className="button button--ghost" aria-label={`Remove auto-reply ${n}`} onClick={() => removeRule(rule.key)}>
                      Remove
                    </button>
                  </div>
                </li>
              );
            })}
          </ol>
        )}
        {errors.autoReplies ? (
          <span className="field__error" role="alert">
            {errors.autoReplies}
          </span>
        ) : null}
        <div>
          <button ref={addRef} type="button" className="button button--secondary" onClick={addRule} disabled={state.rules.length >= MAX_RULES}>
            Add auto-reply
          </button>
          {state.rules.length >= MAX_RULES ? <span className="field__hint"> At most {MAX_RULES} auto-replies.</span> : null}
        </div>
      </fieldset>

      <TextAreaField
        id={id('fallback')}
        label="Fallback reply"
        value={state.fallbackReply}
        maxLength={TEXT_MAX}
        hint="Sent when no auto-reply matches. Leave empty to stay quiet."
        error={errors.fallbackReply}
        onChange={(fallbackReply) => edit({ fallbackReply }, 'fallbackReply')}
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
              id={awayMessageId}
              label="Away message"
              value={state.awayMessage}
              maxLength={TEXT_MAX}
              hint="Sent when a contact writes outside business hours."
              error={errors['away.message']}
              onChange={(awayMessage) => edit({ awayMessage }, 'away.message')}
            />
            <div className="field">
              <label className="field__label" htmlFor={timezoneId}>
                Time zone
              </label>
              <select
                id={timezoneId}
                className="field__input"
                value={state.timezone}
                aria-invalid={errors['away.timezone'] ? true : undefined}
                aria-describedby={`${timezoneId}-note`}
                onChange={(e) => edit({ timezone: e.target.value }, 'away.timezone')}
              >
                {zoneOptions.map((zone) => (
                  <option key={zone} value={zone}>
                    {zone.replaceAll('_', ' ')}
                  </option>
                ))}
              </select>
              <FieldNote id={`${timezoneId}-note`} hint="The business hours below are in this time zone." error={errors['away.timezone']} />
            </div>
            <div role="group" aria-labelledby={id('hours-title')} className="field">
              <span id={id('hours-title')} className="field__label">
                Business hours
              </span>
              <ul className={styles.days}>
                {WEEK.map(({ day, name }) => {
                  const row = state.days[day] ?? { open: false, start: '09:00', end: '17:00' };
                  const startError = errors[`day.${day}.start`];
                  const endError = errors[`day.${day}.end`];
                  const startId = id('day', day, 'start');
                  const endId = id('day', day, 'end');
                  return (
                    <li key={day} className={styles.day}>
                      <span className={styles.dayName} aria-hidden="true">
                        {name}
                      </span>
                      <label className={styles.dayCheck}>
                        <input type="checkbox" checked={row.open} onChange={(e) => editDay(day, { open: e.target.checked })} />
                        Open<span className="visually-hidden"> on {name}</span>
                      </label>
                      {row.open ? (
                        <span className={styles.times}>
                          <label className="visually-hidden" htmlFor={startId}>
                            {name} opening time
                          </label>
                          <input
                            id={startId}
                            type="time"
                            className="field__input"
                            value={row.start}
                            required
                            aria-invalid={startError ? true : undefined}
                            aria-describedby={startError ? `${startId}-note` : undefined}
                            onChange={(e) => editDay(day, { start: e.target.value })}
                          />
                          <span aria-hidden="true">to</span>
                          <label className="visually-hidden" htmlFor={endId}>
                            {name} closing time
                          </label>
                          <input
                            id={endId}
                            type="time"
                            className="field__input"
                            value={row.end}
                            required
                            aria-invalid={endError ? true : undefined}
                            aria-describedby={endError ? `${endId}-note` : undefined}
                            onChange={(e) => editDay(day, { end: e.target.value })}
                          />
                        </span>
                      ) : (
                        <span className="muted">Closed</span>
                      )}
                      {startError || endError ? (
                        <span className={styles.dayError}>
                          <FieldNote id={`${startId}-note`} error={startError} />
                          {startError && endError ? ' ' : null}
                          <FieldNote id={`${endId}-note`} error={endError} />
                        </span>
                      ) : null}
                    </li>
                  );
                })}
              </ul>
              <FieldNote id={id('hours-note')} hint="Outside these hours the bot sends the away message." error={errors['away.hours']} />
            </div>
          </>
        ) : null}
      </fieldset>

      <fieldset className={styles.section}>
        <legend>Handoff to a person</legend>
        <div className="field">
          <label className="field__label" htmlFor={handoffId}>
            Handoff keyword
          </label>
          <input
            id={handoffId}
            className="field__input"
            value={state.handoffKeyword}
            maxLength={HANDOFF_MAX}
            autoComplete="off"
            placeholder="e.g. agent"
            aria-invalid={errors.handoffKeyword ? true : undefined}
            aria-describedby={`${handoffId}-note`}
            onChange={(e) => edit({ handoffKeyword: e.target.value }, 'handoffKeyword')}
          />
          <FieldNote
            id={`${handoffId}-note`}
            hint="When a contact sends this word, the bot stops replying and the conversation waits for a person."
            error={errors.handoffKeyword}
          />
        </div>
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
