import type { AutoReplyRule, BotSettings } from '@/lib/validation/bot-settings';

// The behaviour form's state and the pure steps between it, the API's settings and error paths.

// Mirrors lib/validation/bot-settings.ts; the schema stays the judge, these only stop typing early.
export const MAX_RULES = 50;
export const TEXT_MAX = 1000;
export const KEYWORD_MAX = 100;
export const HANDOFF_MAX = 50;

// Monday first, as people read a week; the schema numbers days like Date#getDay (0 = Sunday).
export const WEEK = [
  { day: 1, name: 'Monday' },
  { day: 2, name: 'Tuesday' },
  { day: 3, name: 'Wednesday' },
  { day: 4, name: 'Thursday' },
  { day: 5, name: 'Friday' },
  { day: 6, name: 'Saturday' },
  { day: 0, name: 'Sunday' },
] as const;

export interface RuleRow extends AutoReplyRule {
  /** Stable React key and error anchor: row numbers shift when a row above is removed. */
  key: number;
}

export interface DayRow {
  open: boolean;
  start: string;
  end: string;
}

/** What a day shows before anyone opened it. */
export const CLOSED_DAY: Readonly<DayRow> = { open: false, start: '09:00', end: '17:00' };

export interface BehaviourFormState {
  welcomeMessage: string;
  rules: RuleRow[];
  fallbackReply: string;
  awayEnabled: boolean;
  awayMessage: string;
  timezone: string;
  days: Record<number, DayRow>;
  handoffKeyword: string;
}

export function toFormState(settings: BotSettings): BehaviourFormState {
  const days: Record<number, DayRow> = {};
  for (const { day } of WEEK) {
    // The API allows several ranges per day; this editor shows (and keeps) the first one.
    const hours = settings.away.hours.find((h) => h.day === day);
    days[day] = hours ? { open: true, start: hours.start, end: hours.end } : { ...CLOSED_DAY };
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

/** Open days in submission order: `away.hours.{i}` is the i-th of these. */
export function openDays(state: BehaviourFormState): number[] {
  return WEEK.filter(({ day }) => state.days[day]?.open).map(({ day }) => day);
}

/** The settings as submitted, unparsed: the schema trims, defaults and judges them. */
export function toSettingsInput(state: BehaviourFormState) {
  return {
    welcomeMessage: state.welcomeMessage,
    autoReplies: state.rules.map(({ pattern, reply, match }) => ({ pattern, reply, match })),
    fallbackReply: state.fallbackReply,
    away: {
      enabled: state.awayEnabled,
      message: state.awayMessage,
      timezone: state.timezone,
      hours: openDays(state).map((day) => ({ day, start: state.days[day]?.start ?? '', end: state.days[day]?.end ?? '' })),
    },
    handoffKeyword: state.handoffKeyword,
  };
}

// Paths shown beside a field as they are; rows are re-keyed below (`rule.{key}.*`, `day.{day}.*`).
const PLAIN_FIELDS = new Set(['welcomeMessage', 'autoReplies', 'fallbackReply', 'away.enabled', 'away.message', 'away.timezone', 'away.hours', 'handoffKeyword']);

/**
 * Error paths (from zod or a 422) → the keys the fields read. Rows are addressed by their
 * position in the submitted arrays, so `state` must be the state that was submitted.
 * Whatever has no visible field comes back in `rest`, for the form's alert.
 */
export function placeErrors(raw: Record<string, string>, state: BehaviourFormState) {
  const ruleKeys = state.rules.map((r) => r.key);
  const days = openDays(state);
  const awayShown = state.awayEnabled;
  const errors: Record<string, string> = {};
  const rest: string[] = [];
  for (const [rawPath, message] of Object.entries(raw)) {
    // A 422 from PATCH /bots/{id} names the body's field ("settings.autoReplies.0.pattern").
    const path = rawPath.replace(/^settings\./, '');
    const rule = /^autoReplies\.(\d+)\.(pattern|reply|match)$/.exec(path);
    const hours = /^away\.hours\.(\d+)\.(start|end)$/.exec(path);
    let key: string | undefined;
    if (rule) {
      const rowKey = ruleKeys[Number(rule[1])];
      key = rowKey === undefined ? undefined : `rule.${rowKey}.${rule[2]}`;
    } else if (hours) {
      const day = days[Number(hours[1])];
      key = day === undefined || !awayShown ? undefined : `day.${day}.${hours[2]}`;
    } else if (PLAIN_FIELDS.has(path) && (awayShown || !path.startsWith('away.') || path === 'away.enabled')) {
      key = path;
    }
    if (key) errors[key] ??= message;
    else rest.push(message);
  }
  return { errors, rest };
}

/** `errors` without `keys` (the same object when none was there, so React can skip a render). */
export function without(errors: Record<string, string>, ...keys: string[]): Record<string, string> {
  if (!keys.some((k) => k in errors)) return errors;
  const next = { ...errors };
  for (const k of keys) delete next[k];
  return next;
}
