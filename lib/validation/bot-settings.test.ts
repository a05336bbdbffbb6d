import { describe, expect, it } from 'vitest';
import { createBotBody, updateBotBody } from './bot';
import { botSettings, isTimeZone, readBotSettings, type BotSettings } from './bot-settings';

const WEEKDAYS = [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' }));

const DEFAULTS: BotSettings = {
  welcomeMessage: '',
  autoReplies: [],
  fallbackReply: '',
  away: { enabled: false, message: '', timezone: 'UTC', hours: WEEKDAYS },
  handoffKeyword: '',
};

/** The first issue as `path: message`, or 'ok'. */
function issue(input: unknown): string {
  const r = botSettings.safeParse(input);
  if (r.success) return 'ok';
  const first = r.error.issues[0]!;
  return `${first.path.join('.')}: ${first.message}`;
}

const away = (over: Record<string, unknown>) => ({ away: over });
const hours = (start: string, end: string, day = 1) => away({ hours: [{ day, start, end }] });

const FULL: BotSettings = {
  welcomeMessage: 'Hi! How can we help?',
  autoReplies: [
    { pattern: 'price', reply: 'Our prices are on the website.', match: 'contains' },
    { pattern: 'hours', reply: 'Mon–Fri 9–17.', match: 'exact' },
  ],
  fallbackReply: 'An agent will answer shortly.',
  away: {
    enabled: true,
    message: 'We are closed right now.',
    timezone: 'Europe/Berlin',
    hours: [
      { day: 1, start: '08:30', end: '12:00' },
      { day: 1, start: '13:00', end: '18:00' },
      { day: 6, start: '00:00', end: '23:59' },
    ],
  },
  handoffKeyword: 'agent',
};

describe('botSettings', () => {
  it('turns {} into a quiet bot with every default', () => {
    expect(botSettings.parse({})).toEqual(DEFAULTS);
    expect(botSettings.parse({ away: {} })).toEqual(DEFAULTS);
    expect(botSettings.parse({ autoReplies: [{ pattern: 'hi', reply: 'hello' }] }).autoReplies).toEqual([
      { pattern: 'hi', reply: 'hello', match: 'contains' },
    ]);
  });

  it('keeps a full, valid settings object as it is', () => {
    expect(botSettings.parse(FULL)).toEqual(FULL);
  });

  it('trims texts', () => {
    const parsed = botSettings.parse({ welcomeMessage: '  Hello  ', autoReplies: [{ pattern: ' price ', reply: ' See site ' }] });
    expect(parsed.welcomeMessage).toBe('Hello');
    expect(parsed.autoReplies[0]).toMatchObject({ pattern: 'price', reply: 'See site' });
  });

  it.each(['9:00', '24:00', '12:60', '0900', '09:00:00', '09-00', '', 'noon', ' 09:00'])('refuses the time %j', (t) => {
    expect(issue(hours(t, '17:00'))).toBe('away.hours.0.start: Use 24-hour HH:MM, e.g. 09:00.');
    expect(issue(hours('08:00', t))).toBe('away.hours.0.end: Use 24-hour HH:MM, e.g. 09:00.');
  });

  it.each(['00:01', '09:05', '19:59', '23:59'])('accepts the time %j', (t) => {
    expect(issue(hours('00:00', t))).toBe('ok');
  });

  it('refuses opening hours that do not end after they start', () => {
    expect(issue(hours('17:00', '09:00'))).toBe('away.hours.0.end: Closing time must be after opening time.');
    expect(issue(hours('09:00', '09:00'))).toBe('away.hours.0.end: Closing time must be after opening time.');
    expect(issue(away({ hours: [{ day: 2, start: '09:00', end: '17:00' }, { day: 3, start: '18:00', end: '10:00' }] }))).toBe(
      'away.hours.1.end: Closing time must be after opening time.',
    );
  });

  it('refuses days outside 0–6, more than 14 entries, and unknown fields in an entry', () => {
    expect(issue(hours('09:00', '17:00', 7))).toBe('away.hours.0.day: Day must be 0 (Sunday) to 6 (Saturday).');
    expect(issue(hours('09:00', '17:00', -1))).toBe('away.hours.0.day: Day must be 0 (Sunday) to 6 (Saturday).');
    expect(issue(hours('09:00', '17:00', 1.5))).toMatch(/^away\.hours\.0\.day: /);
    const fifteen = Array.from({ length: 15 }, (_, i) => ({ day: i % 7, start: '09:00', end: '17:00' }));
    expect(issue(away({ hours: fifteen }))).toBe('away.hours: At most 14 opening-hour entries.');
    expect(issue(away({ hours: fifteen.slice(0, 14) }))).toBe('ok');
    expect(issue(away({ hours: [{ day: 1, start: '09:00', end: '17:00', lunch: true }] }))).toMatch(/^away\.hours\.0: /);
  });

  it('refuses an invalid time zone and accepts IANA names', () => {
    expect(issue(away({ timezone: 'Mars/Olympus_Mons' }))).toBe('away.timezone: Choose a valid time zone.');
    expect(issue(away({ timezone: '' }))).toBe('away.timezone: Choose a valid time zone.');
    expect(issue(away({ timezone: 'x'.repeat(65) }))).toMatch(/^away\.timezone: /);
    for (const tz of ['UTC', 'Europe/Berlin', 'America/Sao_Paulo', 'Asia/Kolkata']) expect(issue(away({ timezone: tz })), tz).toBe('ok');
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Not/AZone')).toBe(false);
  });

  it('refuses away hours switched on without a message (blank counts as none)', () => {
    expect(issue(away({ enabled: true }))).toBe('away.message: Enter the away message, or turn it off.');
    expect(issue(away({ enabled: true, message: '   ' }))).toBe('away.message: Enter the away message, or turn it off.');
    expect(issue(away({ enabled: true, message: 'Closed' }))).toBe('ok');
    expect(issue(away({ enabled: false, message: '' }))).toBe('ok');
  });

  it('refuses unknown settings by name', () => {
    expect(issue({ greeting: 'hi' })).toBe(': Unknown setting: greeting.');
    expect(issue({ welcomeMessage: 'hi', foo: 1, bar: 2 })).toBe(': Unknown setting: foo, bar.');
    expect(issue(away({ enabled: false, vacation: true }))).toMatch(/^away: /);
    expect(issue({ autoReplies: [{ pattern: 'a', reply: 'b', regex: true }] })).toMatch(/^autoReplies\.0: /);
  });

  it('allows at most 50 auto-replies, each with a keyword, a reply and a known match', () => {
    const rule = { pattern: 'k', reply: 'r' };
    expect(issue({ autoReplies: Array.from({ length: 50 }, () => rule) })).toBe('ok');
    expect(issue({ autoReplies: Array.from({ length: 51 }, () => rule) })).toBe('autoReplies: At most 50 auto-replies.');
    expect(issue({ autoReplies: [{ pattern: '  ', reply: 'r' }] })).toBe('autoReplies.0.pattern: Enter a keyword or phrase.');
    expect(issue({ autoReplies: [{ pattern: 'k', reply: '' }] })).toBe('autoReplies.0.reply: Enter the reply.');
    expect(issue({ autoReplies: [{ pattern: 'k', reply: 'r', match: 'fuzzy' }] })).toBe(
      "autoReplies.0.match: Match must be 'contains', 'exact', 'starts_with' or 'regex'.",
    );
    expect(issue({ autoReplies: [{ pattern: '^order \\d+$', reply: 'r', match: 'regex' }] })).toBe('ok');
    expect(issue({ autoReplies: [{ pattern: '(unclosed', reply: 'r', match: 'regex' }] })).toMatch(
      /^autoReplies\.0\.pattern: Not a valid regular expression: /,
    );
  });

  it('bounds every text', () => {
    expect(issue({ welcomeMessage: 'x'.repeat(1000) })).toBe('ok');
    expect(issue({ welcomeMessage: 'x'.repeat(1001) })).toBe('welcomeMessage: Welcome message must be at most 1000 characters.');
    expect(issue({ fallbackReply: 'x'.repeat(1001) })).toBe('fallbackReply: Fallback reply must be at most 1000 characters.');
    expect(issue({ handoffKeyword: 'x'.repeat(51) })).toBe('handoffKeyword: Handoff keyword must be at most 50 characters.');
    expect(issue(away({ message: 'x'.repeat(1001) }))).toBe('away.message: Away message must be at most 1000 characters.');
    expect(issue({ autoReplies: [{ pattern: 'x'.repeat(101), reply: 'r' }] })).toBe('autoReplies.0.pattern: Keyword must be at most 100 characters.');
  });
});

describe('readBotSettings', () => {
  it('fills defaults into rows stored before a field existed, and falls back to defaults for broken rows', () => {
    expect(readBotSettings(null)).toEqual(DEFAULTS);
    expect(readBotSettings({ welcomeMessage: 'Hi' })).toEqual({ ...DEFAULTS, welcomeMessage: 'Hi' });
    expect(readBotSettings({ welcomeMessage: 42 })).toEqual(DEFAULTS);
    expect(readBotSettings(FULL)).toEqual(FULL);
  });
});

describe('updateBotBody / createBotBody with settings', () => {
  it('accepts a full settings object, alone or with a rename', () => {
    expect(updateBotBody.parse({ settings: FULL })).toEqual({ settings: FULL });
    expect(updateBotBody.parse({ name: ' Sales ', settings: FULL })).toEqual({ name: 'Sales', settings: FULL });
    expect(updateBotBody.parse({ settings: {} })).toEqual({ settings: DEFAULTS });
    expect(createBotBody.parse({ name: 'Bot', settings: FULL })).toMatchObject({ name: 'Bot', settings: FULL });
  });

  it('passes settings errors through with their path, and refuses fields that cannot change', () => {
    const bad = updateBotBody.safeParse({ settings: { ...FULL, away: { ...FULL.away, message: '' } } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]).toMatchObject({ path: ['settings', 'away', 'message'], message: 'Enter the away message, or turn it off.' });
    const unknown = updateBotBody.safeParse({ settings: { colour: 'blue' } });
    expect(unknown.error!.issues[0]).toMatchObject({ path: ['settings'], message: 'Unknown setting: colour.' });
    expect(updateBotBody.safeParse({ channel: 'cloud_api' }).error!.issues[0]!.message).toBe('Cannot change channel.');
    expect(updateBotBody.safeParse({}).error!.issues[0]!.message).toBe('Nothing to update.');
  });
});
