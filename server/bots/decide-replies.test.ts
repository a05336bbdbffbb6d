import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { botSettings, type BotSettings } from '@/lib/validation/bot-settings';
import { decideReplies } from './decide-replies';

// How the pieces combine into one decision. Matching itself (folding, regex bounds, whole-word
// handoff) is in match-rule.test.ts and opening hours in business-hours.test.ts; here only what
// decideReplies adds: order, welcome once, first match wins, fallback, away, handoff.

type SettingsInput = z.input<typeof botSettings>;
const settings = (input: SettingsInput): BotSettings => botSettings.parse(input);

// Monday 2024-06-03 12:00 UTC: inside the default Monday–Friday 09:00–17:00 UTC hours.
const OPEN = new Date('2024-06-03T12:00:00Z');
// Saturday 2024-06-08 12:00 UTC: no opening hours that day.
const CLOSED = new Date('2024-06-08T12:00:00Z');

const decide = (s: BotSettings, text: string, opts: { first?: boolean; now?: Date } = {}) =>
  decideReplies({ settings: s, text, isFirstMessage: opts.first ?? false, now: opts.now ?? OPEN });

const RULES: NonNullable<SettingsInput['autoReplies']> = [
  { pattern: 'order status', reply: 'exact: order status', match: 'exact' },
  { pattern: '^order\\s*#\\d+$', reply: 'regex: order number', match: 'regex' },
  { pattern: 'order', reply: 'starts_with: order', match: 'starts_with' },
  { pattern: 'order', reply: 'contains: order', match: 'contains' },
];

describe('decideReplies: welcome, rules and fallback', () => {
  const bot = settings({ welcomeMessage: 'Welcome to Acme!', autoReplies: RULES, fallbackReply: 'Sorry, I did not get that.' });

  it('sends the welcome on the first message only, before the matching rule', () => {
    expect(decide(bot, 'order #42', { first: true })).toEqual({ replies: ['Welcome to Acme!', 'regex: order number'], handoff: false, reason: 'rule', regexTimedOut: false });
    expect(decide(bot, 'order #42', { first: false })).toEqual({ replies: ['regex: order number'], handoff: false, reason: 'rule', regexTimedOut: false });
  });

  it('answers a first message that matches nothing with the welcome alone, later ones with the fallback', () => {
    expect(decide(bot, 'hi', { first: true })).toMatchObject({ replies: ['Welcome to Acme!'], reason: 'welcome' });
    expect(decide(bot, 'hi', { first: false })).toMatchObject({ replies: ['Sorry, I did not get that.'], reason: 'fallback' });
  });

  it('uses the fallback on a first message when there is no welcome to send', () => {
    const noWelcome = settings({ welcomeMessage: '   ', autoReplies: RULES, fallbackReply: 'Sorry, I did not get that.' });
    expect(decide(noWelcome, 'hi', { first: true })).toMatchObject({ replies: ['Sorry, I did not get that.'], reason: 'fallback' });
  });

  it('takes the first rule in order that matches, whatever the match types', () => {
    // Each message matches several rules; the earliest in the list answers.
    expect(decide(bot, 'Order status').replies).toEqual(['exact: order status']); // exact, starts_with, contains
    expect(decide(bot, 'ORDER #7').replies).toEqual(['regex: order number']); // regex, starts_with, contains
    expect(decide(bot, 'order for two').replies).toEqual(['starts_with: order']); // starts_with, contains
    expect(decide(bot, 'my order').replies).toEqual(['contains: order']); // contains only
    // The same rules in reverse order: contains now wins every time.
    const reversed = settings({ autoReplies: [...RULES].reverse() });
    for (const text of ['Order status', 'ORDER #7', 'order for two', 'my order']) {
      expect(decide(reversed, text).replies).toEqual(['contains: order']);
    }
  });

  it('sends nothing when nothing matches and there is no fallback', () => {
    expect(decide(settings({ autoReplies: RULES }), 'hello')).toEqual({ replies: [], handoff: false, reason: 'none', regexTimedOut: false });
    expect(decide(settings({}), 'hello', { first: true })).toEqual({ replies: [], handoff: false, reason: 'none', regexTimedOut: false });
  });

  it('skips a regex rule that runs too long, reports it, and lets later rules answer', () => {
    const slow = settings({
      autoReplies: [
        { pattern: '(a+)+$', reply: 'never', match: 'regex' },
        { pattern: 'aaa', reply: 'contains: aaa', match: 'contains' },
      ],
      fallbackReply: 'fallback',
    });
    expect(decide(slow, `${'a'.repeat(30)}!`)).toEqual({ replies: ['contains: aaa'], handoff: false, reason: 'rule', regexTimedOut: true });
  });
});

describe('decideReplies: away message', () => {
  const away = (timezone: string, hours?: { day: number; start: string; end: string }[]) =>
    settings({
      welcomeMessage: 'Welcome!',
      autoReplies: [{ pattern: 'price', reply: 'From $10.', match: 'contains' }],
      fallbackReply: 'Sorry?',
      away: { enabled: true, message: 'We are closed; back at 9.', timezone, ...(hours ? { hours } : {}) },
    });

  it('outside business hours answers with the away message instead of rules and fallback', () => {
    const bot = away('UTC');
    expect(decide(bot, 'price?', { now: CLOSED })).toEqual({ replies: ['We are closed; back at 9.'], handoff: false, reason: 'away', regexTimedOut: false });
    expect(decide(bot, 'what?', { now: CLOSED }).replies).toEqual(['We are closed; back at 9.']);
    // The welcome still goes first on a first message.
    expect(decide(bot, 'price?', { now: CLOSED, first: true }).replies).toEqual(['Welcome!', 'We are closed; back at 9.']);
    // Inside the hours the rules answer as usual.
    expect(decide(bot, 'price?', { now: OPEN })).toMatchObject({ replies: ['From $10.'], reason: 'rule' });
  });

  it('is ignored while turned off, whatever the time', () => {
    const off = settings({ autoReplies: [{ pattern: 'price', reply: 'From $10.', match: 'contains' }], away: { enabled: false, message: 'closed' } });
    expect(decide(off, 'price?', { now: CLOSED }).replies).toEqual(['From $10.']);
  });

  it('reads the hours in the bot’s time zone, not the server’s', () => {
    // Monday 2024-06-03 14:00 UTC: 10:00 in New York (open), 23:00 in Tokyo (closed).
    const now = new Date('2024-06-03T14:00:00Z');
    expect(decide(away('America/New_York'), 'price?', { now }).reason).toBe('rule');
    expect(decide(away('Asia/Tokyo'), 'price?', { now }).reason).toBe('away');
    // Monday 2024-06-03 01:00 UTC is still Sunday evening in New York: closed there, open in Tokyo (10:00).
    const early = new Date('2024-06-03T01:00:00Z');
    expect(decide(away('America/New_York'), 'price?', { now: early }).reason).toBe('away');
    expect(decide(away('Asia/Tokyo'), 'price?', { now: early }).reason).toBe('rule');
  });

  it('follows the DST switch: 13:30 UTC is 08:30 in New York before it and 09:30 after', () => {
    const bot = away('America/New_York');
    // Mondays around the 2024-03-10 spring-forward: EST (UTC−5) then EDT (UTC−4).
    expect(decide(bot, 'price?', { now: new Date('2024-03-04T13:30:00Z') })).toMatchObject({ replies: ['We are closed; back at 9.'], reason: 'away' });
    expect(decide(bot, 'price?', { now: new Date('2024-03-11T13:30:00Z') })).toMatchObject({ replies: ['From $10.'], reason: 'rule' });
    // On the switch night itself (Sunday, open 01:00–04:00 local): 06:59 UTC is 01:59 EST, 07:00 UTC is 03:00 EDT.
    const night = away('America/New_York', [{ day: 0, start: '01:00', end: '04:00' }]);
    expect(decide(night, 'price?', { now: new Date('2024-03-10T06:59:00Z') }).reason).toBe('rule');
    expect(decide(night, 'price?', { now: new Date('2024-03-10T07:00:00Z') }).reason).toBe('rule');
    // 08:00 UTC is 04:00 EDT: closed; the same UTC time a week earlier was 03:00 EST, still open.
    expect(decide(night, 'price?', { now: new Date('2024-03-10T08:00:00Z') }).reason).toBe('away');
    expect(decide(night, 'price?', { now: new Date('2024-03-03T08:00:00Z') }).reason).toBe('rule');
  });
});

describe('decideReplies: handoff', () => {
  const bot = settings({
    welcomeMessage: 'Welcome!',
    autoReplies: [{ pattern: 'agent', reply: 'Our agents are busy.', match: 'contains' }],
    fallbackReply: 'Sorry?',
    away: { enabled: true, message: 'Closed.', timezone: 'UTC' },
    handoffKeyword: 'talk to a human',
  });

  it('wins over welcome, rules and away, and sends nothing', () => {
    const handoff = { replies: [], handoff: true, reason: 'handoff', regexTimedOut: false };
    expect(decide(bot, 'Please let me TALK TO A HUMAN', { first: true, now: CLOSED })).toEqual(handoff);
    expect(decide(bot, 'agent? talk to a human!', { now: OPEN })).toEqual(handoff);
  });

  it('only as the whole phrase: otherwise the message goes through the rules', () => {
    expect(decide(bot, 'talk to a humane agent', { now: OPEN })).toMatchObject({ replies: ['Our agents are busy.'], handoff: false, reason: 'rule' });
  });

  it('never triggers when no keyword is set', () => {
    const noKeyword = settings({ fallbackReply: 'Sorry?' });
    expect(decide(noKeyword, 'talk to a human')).toMatchObject({ replies: ['Sorry?'], handoff: false });
  });
});
