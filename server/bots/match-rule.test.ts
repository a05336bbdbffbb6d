import { describe, expect, it } from 'vitest';
import type { AutoReplyRule } from '@/lib/validation/bot-settings';
import { MAX_MATCH_CHARS, containsPhrase, foldText, matchRule } from './match-rule';
import { runBoundedRegex } from './run-bounded-regex';

const matches = (match: AutoReplyRule['match'], pattern: string, text: string) => matchRule({ match, pattern }, text).matched;

describe('foldText', () => {
  it('trims, lower-cases and collapses whitespace runs', () => {
    expect(foldText('  Opening\n\t HOURS  ')).toBe('opening hours');
    expect(foldText('ÉTÉ')).toBe('été');
    // Composed and decomposed accents fold alike.
    expect(foldText('Cafe\u0301')).toBe(foldText('Café'));
  });
});

describe('matchRule: contains / exact / starts_with', () => {
  it('contains: the keyword anywhere, any case, any spacing', () => {
    expect(matches('contains', 'price', 'What is the PRICE?')).toBe(true);
    expect(matches('contains', 'opening hours', 'your opening\n   hours please')).toBe(true);
    expect(matches('contains', 'Price', 'how much')).toBe(false);
  });

  it('exact: the whole message, trimmed, any case', () => {
    expect(matches('exact', 'hours', '  Hours ')).toBe(true);
    expect(matches('exact', 'opening hours', 'OPENING   HOURS')).toBe(true);
    expect(matches('exact', 'hours', 'hours?')).toBe(false);
    expect(matches('exact', 'hours', 'your hours')).toBe(false);
  });

  it('starts_with: the start of the message, after leading spaces', () => {
    expect(matches('starts_with', 'order', '  Order #123')).toBe(true);
    expect(matches('starts_with', 'order', 'my order #123')).toBe(false);
  });

  it('never matches an empty keyword', () => {
    for (const match of ['contains', 'exact', 'starts_with'] as const) expect(matches(match, '   ', 'anything')).toBe(false);
  });

  it(`considers only the first ${MAX_MATCH_CHARS} characters`, () => {
    const long = 'x'.repeat(MAX_MATCH_CHARS);
    expect(matches('contains', 'price', `${long.slice(5)}price`)).toBe(true);
    expect(matches('contains', 'price', `${long}price`)).toBe(false);
    expect(matches('regex', 'price', `${long}price`)).toBe(false);
  });
});

describe('matchRule: regex', () => {
  it('matches case-insensitively on the trimmed text', () => {
    expect(matches('regex', '^order\\s*#?\\d+$', '  ORDER #1234 ')).toBe(true);
    expect(matches('regex', '^order\\s*#?\\d+$', 'order #12a')).toBe(false);
    expect(matches('regex', '\\b(refund|return)s?\\b', 'Can I get a Refund?')).toBe(true);
    expect(matchRule({ match: 'regex', pattern: 'x' }, 'y')).toEqual({ matched: false, timedOut: false });
  });

  it('interrupts a catastrophic pattern and reports it as a timed-out no-match, instead of hanging', () => {
    expect(matchRule({ match: 'regex', pattern: '(a+)+$' }, `${'a'.repeat(30)}!`)).toEqual({ matched: false, timedOut: true });
    // The same pattern is fine on an ordinary message, and the engine keeps working after a timeout.
    expect(matchRule({ match: 'regex', pattern: '(a+)+$' }, 'baa')).toEqual({ matched: true, timedOut: false });
  });

  it('treats a pattern that does not compile as no match, without throwing', () => {
    expect(matchRule({ match: 'regex', pattern: '(' }, '(')).toEqual({ matched: false, timedOut: false });
    expect(runBoundedRegex('(', 'x')).toEqual({ matched: false, timedOut: false, invalid: true });
  });

  it('cannot reach Node from inside the pattern context', () => {
    // The context has its own globals only: no require, no process.
    expect(runBoundedRegex('.', 'x').matched).toBe(true);
    expect(runBoundedRegex('(?<a>x)\\k<a>', 'xx').matched).toBe(true);
  });
});

describe('containsPhrase (the handoff keyword)', () => {
  it('finds the keyword as a whole word, any case, anywhere', () => {
    expect(containsPhrase('I want an Agent, please', 'agent')).toBe(true);
    expect(containsPhrase('AGENT', 'agent')).toBe(true);
    expect(containsPhrase('agent!', 'Agent')).toBe(true);
    expect(containsPhrase('agents are busy', 'agent')).toBe(false);
    expect(containsPhrase('a reagent', 'agent')).toBe(false);
    expect(containsPhrase('agent_x', 'agent')).toBe(false);
  });

  it('matches a phrase across any whitespace, and only whole', () => {
    expect(containsPhrase('please, talk  to\na human', 'talk to a human')).toBe(true);
    expect(containsPhrase('talk to a humane society', 'talk to a human')).toBe(false);
  });

  it('treats regex characters in the keyword literally, and works beyond ASCII', () => {
    expect(containsPhrase('need help (urgent)', '(urgent)')).toBe(true);
    expect(containsPhrase('need help urgent', '(urgent)')).toBe(false);
    expect(containsPhrase('need c++ help', 'c++')).toBe(true);
    expect(containsPhrase('need cxx help', 'c++')).toBe(false);
    expect(containsPhrase('Bitte einen MITARBEITER', 'mitarbeiter')).toBe(true);
    expect(containsPhrase('Mitarbeiterin', 'mitarbeiter')).toBe(false);
    expect(containsPhrase('хочу оператора', 'оператора')).toBe(true);
    expect(containsPhrase('хочу операторами', 'оператора')).toBe(false);
  });

  it('never matches an empty keyword', () => {
    expect(containsPhrase('anything', '  ')).toBe(false);
  });
});
