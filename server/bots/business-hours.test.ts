import { describe, expect, it } from 'vitest';
import { isWithinBusinessHours, localWeekTime } from './business-hours';

const at = (iso: string) => new Date(iso);
type Hours = { day: number; start: string; end: string }[];
const open = (timezone: string, hours: Hours, iso: string) => isWithinBusinessHours({ timezone, hours }, at(iso));
const WEEKDAYS_9_TO_5: Hours = [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' }));

describe('localWeekTime', () => {
  it('reads the weekday (0 = Sunday) and the wall-clock time in the zone', () => {
    // 2024-06-02 is a Sunday.
    expect(localWeekTime('UTC', at('2024-06-02T23:30:00Z'))).toEqual({ day: 0, time: '23:30' });
    expect(localWeekTime('Asia/Kolkata', at('2024-06-02T23:30:00Z'))).toEqual({ day: 1, time: '05:00' });
    expect(localWeekTime('America/New_York', at('2024-06-03T00:05:00Z'))).toEqual({ day: 0, time: '20:05' });
    // Midnight is 00, not 24.
    expect(localWeekTime('Europe/Berlin', at('2024-06-03T22:00:00Z'))).toEqual({ day: 2, time: '00:00' });
  });
});

describe('isWithinBusinessHours', () => {
  it('holds from the opening minute up to, not including, the closing minute (UTC)', () => {
    // Monday 2024-06-03.
    expect(open('UTC', WEEKDAYS_9_TO_5, '2024-06-03T08:59:59Z')).toBe(false);
    expect(open('UTC', WEEKDAYS_9_TO_5, '2024-06-03T09:00:00Z')).toBe(true);
    expect(open('UTC', WEEKDAYS_9_TO_5, '2024-06-03T16:59:59Z')).toBe(true);
    expect(open('UTC', WEEKDAYS_9_TO_5, '2024-06-03T17:00:00Z')).toBe(false);
    // Saturday has no entry: closed all day.
    expect(open('UTC', WEEKDAYS_9_TO_5, '2024-06-08T12:00:00Z')).toBe(false);
  });

  it('reads hours in America/New_York (UTC−4 in summer)', () => {
    // 12:59 UTC is 08:59 EDT; 13:00 UTC is 09:00 EDT.
    expect(open('America/New_York', WEEKDAYS_9_TO_5, '2024-06-03T12:59:00Z')).toBe(false);
    expect(open('America/New_York', WEEKDAYS_9_TO_5, '2024-06-03T13:00:00Z')).toBe(true);
    // Friday 20:30 UTC (closed by UTC hours) is 16:30 EDT: open.
    expect(open('America/New_York', WEEKDAYS_9_TO_5, '2024-06-07T20:30:00Z')).toBe(true);
    // Saturday 00:30 UTC is still Friday 20:30 in New York: Friday's entry applies, not Saturday's.
    expect(open('America/New_York', [{ day: 5, start: '20:00', end: '21:00' }], '2024-06-08T00:30:00Z')).toBe(true);
    expect(open('America/New_York', [{ day: 6, start: '00:00', end: '01:00' }], '2024-06-08T00:30:00Z')).toBe(false);
  });

  it('reads hours in Asia/Kolkata (UTC+5:30, a half-hour offset)', () => {
    expect(open('Asia/Kolkata', WEEKDAYS_9_TO_5, '2024-06-03T03:29:00Z')).toBe(false); // 08:59 IST
    expect(open('Asia/Kolkata', WEEKDAYS_9_TO_5, '2024-06-03T03:30:00Z')).toBe(true); // 09:00 IST
    expect(open('Asia/Kolkata', WEEKDAYS_9_TO_5, '2024-06-03T11:29:00Z')).toBe(true); // 16:59 IST
    expect(open('Asia/Kolkata', WEEKDAYS_9_TO_5, '2024-06-03T11:30:00Z')).toBe(false); // 17:00 IST
  });

  it('uses the local weekday across the date line (Pacific/Auckland, UTC+12 in June)', () => {
    // Monday 22:00 UTC is Tuesday 10:00 in Auckland.
    const tuesdayOnly: Hours = [{ day: 2, start: '09:00', end: '17:00' }];
    const mondayOnly: Hours = [{ day: 1, start: '09:00', end: '23:59' }];
    expect(open('Pacific/Auckland', tuesdayOnly, '2024-06-03T22:00:00Z')).toBe(true);
    expect(open('Pacific/Auckland', mondayOnly, '2024-06-03T22:00:00Z')).toBe(false);
    expect(open('UTC', mondayOnly, '2024-06-03T22:00:00Z')).toBe(true);
    // Sunday 20:30 UTC is already Monday 08:30 there.
    expect(open('Pacific/Auckland', WEEKDAYS_9_TO_5, '2024-06-02T20:30:00Z')).toBe(false);
    expect(open('Pacific/Auckland', WEEKDAYS_9_TO_5, '2024-06-02T21:00:00Z')).toBe(true);
  });

  it('follows the DST switch on the day it happens (America/New_York, 2024-03-10)', () => {
    // Clocks jump from 02:00 EST to 03:00 EDT at 07:00 UTC.
    const earlySunday: Hours = [{ day: 0, start: '03:00', end: '04:00' }];
    expect(open('America/New_York', earlySunday, '2024-03-10T06:59:00Z')).toBe(false); // 01:59 EST
    expect(open('America/New_York', earlySunday, '2024-03-10T07:00:00Z')).toBe(true); // 03:00 EDT
    expect(open('America/New_York', earlySunday, '2024-03-10T07:59:00Z')).toBe(true); // 03:59 EDT
    expect(open('America/New_York', earlySunday, '2024-03-10T08:00:00Z')).toBe(false); // 04:00 EDT
    // The same UTC instant a week earlier (no DST yet) is 02:30 EST: closed.
    expect(open('America/New_York', earlySunday, '2024-03-03T07:30:00Z')).toBe(false);
    // And 9–17 on the Monday after is 13:00–21:00 UTC, no longer 14:00–22:00.
    expect(open('America/New_York', WEEKDAYS_9_TO_5, '2024-03-11T13:00:00Z')).toBe(true);
    expect(open('America/New_York', WEEKDAYS_9_TO_5, '2024-03-04T13:00:00Z')).toBe(false);
  });

  it('follows the end of summer time (Europe/Berlin, 2024-10-27)', () => {
    // 03:00 CEST becomes 02:00 CET at 01:00 UTC; 09:00 local is 07:00 UTC before and 08:00 UTC after.
    expect(open('Europe/Berlin', WEEKDAYS_9_TO_5, '2024-10-25T07:00:00Z')).toBe(true);
    expect(open('Europe/Berlin', WEEKDAYS_9_TO_5, '2024-10-28T07:00:00Z')).toBe(false);
    expect(open('Europe/Berlin', WEEKDAYS_9_TO_5, '2024-10-28T08:00:00Z')).toBe(true);
  });

  it('allows several ranges on one day (a lunch break) and treats 23:59 as running to midnight', () => {
    const split: Hours = [
      { day: 1, start: '08:30', end: '12:00' },
      { day: 1, start: '13:00', end: '18:00' },
      { day: 6, start: '00:00', end: '23:59' },
    ];
    expect(open('UTC', split, '2024-06-03T11:59:00Z')).toBe(true);
    expect(open('UTC', split, '2024-06-03T12:30:00Z')).toBe(false);
    expect(open('UTC', split, '2024-06-03T13:00:00Z')).toBe(true);
    expect(open('UTC', split, '2024-06-08T00:00:00Z')).toBe(true);
    expect(open('UTC', split, '2024-06-08T23:59:30Z')).toBe(true);
    expect(open('UTC', split, '2024-06-09T00:00:00Z')).toBe(false);
  });

  it('is closed all week when no hours are set', () => {
    for (let d = 2; d <= 8; d++) expect(open('UTC', [], `2024-06-0${d}T12:00:00Z`)).toBe(false);
  });
});
