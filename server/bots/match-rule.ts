import type { AutoReplyRule } from '@/lib/validation/bot-settings';
import { runBoundedRegex } from './run-bounded-regex';

/** Only the start of a long message is matched: bounds the work per message, regex or not. */
export const MAX_MATCH_CHARS = 4096;

export interface RuleMatch {
  matched: boolean;
  /** A regex rule was interrupted (too slow on this text) and counted as no match; the caller logs it. */
  timedOut: boolean;
}

/** Case-folded, trimmed, whitespace runs collapsed to one space: "  Opening\n HOURS " → "opening hours". */
export function foldText(text: string): string {
  return text.normalize('NFC').trim().replace(/\s+/gu, ' ').toLowerCase();
}

/**
 * Whether a message matches one auto-reply rule. `contains`, `exact` and `starts_with` compare
 * folded text (see foldText) with the folded keyword; `regex` runs the owner's pattern
 * case-insensitively on the trimmed text, time-bounded (see run-bounded-regex.ts).
 */
export function matchRule(rule: Pick<AutoReplyRule, 'pattern' | 'match'>, text: string): RuleMatch {
  const considered = text.slice(0, MAX_MATCH_CHARS);
  if (rule.match === 'regex') {
    const result = runBoundedRegex(rule.pattern, considered.trim());
    return { matched: result.matched, timedOut: result.timedOut };
  }
  const keyword = foldText(rule.pattern);
  if (!keyword) return { matched: false, timedOut: false };
  const message = foldText(considered);
  const matched =
    rule.match === 'exact' ? message === keyword : rule.match === 'starts_with' ? message.startsWith(keyword) : message.includes(keyword);
  return { matched, timedOut: false };
}

// Only the characters that need it: the `u` flag refuses needless escapes such as "\-".
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Whether `phrase` occurs in `text` as a whole word or phrase, case-insensitively: "agent" is in
 * "I want an Agent, please" but not in "agents" or "reagent"; inner whitespace matches any run of
 * whitespace. The phrase is escaped, so this regex is linear and needs no time bound.
 */
export function containsPhrase(text: string, phrase: string): boolean {
  const words = phrase.normalize('NFC').trim().split(/\s+/u).filter(Boolean);
  if (words.length === 0) return false;
  const body = words.map(escapeRegex).join('\\s+');
  // Letters, digits and marks of any script count as word characters, not just ASCII (\b would).
  return new RegExp(`(?<![\\p{L}\\p{N}\\p{M}_])${body}(?![\\p{L}\\p{N}\\p{M}_])`, 'iu').test(text.normalize('NFC'));
}
