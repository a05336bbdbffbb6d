import type { BotSettings } from '@/lib/validation/bot-settings';
import { isWithinBusinessHours } from './business-hours';
import { containsPhrase, matchRule } from './match-rule';

export interface DecideRepliesInput {
  settings: BotSettings;
  /** The contact's message as received. */
  text: string;
  /** The contact's first message in this conversation (the welcome goes out once). */
  isFirstMessage: boolean;
  now: Date;
}

export type ReplyReason = 'handoff' | 'away' | 'rule' | 'fallback' | 'welcome' | 'none';

export interface Decision {
  /** Texts to send, in order; never an empty string. */
  replies: string[];
  /** Pause the bot for this conversation and flag it as needing a person. */
  handoff: boolean;
  /** What decided: 'handoff', or the source of the last reply, or 'none' when nothing is sent. */
  reason: ReplyReason;
  /** A regex rule was too slow on this message and was skipped as no match: worth a warning (without the text). */
  regexTimedOut: boolean;
}

/**
 * What the bot answers to one inbound message. Pure: no database, no clock (`now` is given),
 * no I/O. The caller skips conversations whose bot is paused. In order:
 *
 * 1. Handoff: the handoff keyword (if set) appears in the text as a whole word or phrase, any
 *    case → `{ handoff: true, replies: [] }`. Nothing is sent, not even the welcome: a person
 *    takes over.
 * 2. Welcome: on the contact's first message, the welcome message (if set) goes first.
 * 3. Away: if the away message is on and `now` is outside business hours (in its time zone), the
 *    away message follows, and no rule or fallback reply is sent.
 * 4. Otherwise the reply of the first rule that matches (rules in order, case-insensitive; see
 *    match-rule.ts), else the fallback reply (if set), except right after the welcome: a first
 *    "hi" gets one greeting, not a greeting and "Sorry, I did not get that".
 */
export function decideReplies(input: DecideRepliesInput): Decision {
  const { settings, text, isFirstMessage, now } = input;
  if (settings.handoffKeyword && containsPhrase(text, settings.handoffKeyword)) {
    return { replies: [], handoff: true, reason: 'handoff', regexTimedOut: false };
  }

  const replies: string[] = [];
  let reason: ReplyReason = 'none';
  let regexTimedOut = false;
  const send = (reply: string, why: ReplyReason) => {
    if (reply.trim() === '') return false;
    replies.push(reply);
    reason = why;
    return true;
  };

  const welcomed = isFirstMessage && send(settings.welcomeMessage, 'welcome');

  if (settings.away.enabled && !isWithinBusinessHours(settings.away, now)) {
    send(settings.away.message, 'away');
  } else {
    const rule = settings.autoReplies.find((r) => {
      const result = matchRule(r, text);
      regexTimedOut ||= result.timedOut;
      return result.matched;
    });
    if (rule) send(rule.reply, 'rule');
    else if (!welcomed) send(settings.fallbackReply, 'fallback');
  }

  return { replies, handoff: false, reason, regexTimedOut };
}
