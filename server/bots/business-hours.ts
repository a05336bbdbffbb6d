import type { BotSettings } from '@/lib/validation/bot-settings';

type Away = Pick<BotSettings['away'], 'timezone' | 'hours'>;

const WEEKDAY: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    } catch {
      // The schema only stores zones this runtime knows; a zone dropped from a later ICU reads as UTC.
      f = formatterFor('UTC');
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Day of the week (0 = Sunday) and wall-clock "HH:MM" at `now` in `timeZone`, DST included. */
export function localWeekTime(timeZone: string, now: Date): { day: number; time: string } {
  const parts = formatterFor(timeZone).formatToParts(now);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: WEEKDAY[get('weekday')] ?? 0, time: `${get('hour').padStart(2, '0')}:${get('minute').padStart(2, '0')}` };
}

/**
 * Whether `now` falls in one of the opening ranges, read in `away.timezone`. A range holds from
 * `start` up to, not including, `end`; several ranges per day are allowed, and a day without
 * one is closed. HH:MM cannot say 24:00, so an `end` of 23:59 runs to midnight.
 */
export function isWithinBusinessHours(away: Away, now: Date): boolean {
  const { day, time } = localWeekTime(away.timezone, now);
  return away.hours.some((h) => h.day === day && h.start <= time && (time < h.end || h.end === '23:59'));
}
