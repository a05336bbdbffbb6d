import { z } from './zod';

// What a bot does on its own (the wizard's behaviour step; the bot engine issue runs it).
// Every field has a default, so `{}` is a valid, quiet bot: no welcome, no rules, no away message.

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use 24-hour HH:MM, e.g. 09:00.');
const text = (max: number, what: string) => z.string().trim().max(max, `${what} must be at most ${max} characters.`);

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Why `pattern` is not a regular expression (compiled as the bot engine does, case-insensitive),
 * or null when it compiles. Runs in the browser too; the server also rejects catastrophic patterns
 * (server/bots/check-regex-safety.ts).
 */
export function regexProblem(pattern: string): string | null {
  try {
    new RegExp(pattern, 'i');
    return null;
  } catch (err) {
    const raw = err instanceof Error ? err.message : String(err);
    // V8 repeats the pattern ("Invalid regular expression: /(/i: Unterminated group"); keep the reason.
    const prefix = `Invalid regular expression: /${pattern}/i: `;
    const reason = raw.startsWith(prefix) ? raw.slice(prefix.length) : raw;
    return `Not a valid regular expression: ${reason.replace(/\.?$/, '.')}`;
  }
}

export const autoReplyRule = z
  .strictObject({
    pattern: text(100, 'Keyword').min(1, 'Enter a keyword or phrase.'),
    reply: text(1000, 'Reply').min(1, 'Enter the reply.'),
    match: z
      .enum(['contains', 'exact', 'starts_with', 'regex'], { error: "Match must be 'contains', 'exact', 'starts_with' or 'regex'." })
      .default('contains'),
  })
  .superRefine((rule, ctx) => {
    if (rule.match !== 'regex') return;
    const problem = regexProblem(rule.pattern);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['pattern'] });
  });

export const businessHours = z
  .strictObject({
    day: z.number().int().min(0, 'Day must be 0 (Sunday) to 6 (Saturday).').max(6, 'Day must be 0 (Sunday) to 6 (Saturday).'),
    start: time,
    end: time,
  })
  .refine((h) => h.start < h.end, { message: 'Closing time must be after opening time.', path: ['end'] });

const WEEKDAYS = [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' }));

export const awaySettings = z
  .strictObject({
    enabled: z.boolean().default(false),
    message: text(1000, 'Away message').default(''),
    timezone: z.string().max(64).refine(isTimeZone, 'Choose a valid time zone.').default('UTC'),
    hours: z.array(businessHours).max(14, 'At most 14 opening-hour entries.').default(WEEKDAYS),
  })
  .refine((a) => !a.enabled || a.message.length > 0, { message: 'Enter the away message, or turn it off.', path: ['message'] });

export const botSettings = z.strictObject(
  {
    welcomeMessage: text(1000, 'Welcome message').default(''),
    autoReplies: z.array(autoReplyRule).max(50, 'At most 50 auto-replies.').default([]),
    fallbackReply: text(1000, 'Fallback reply').default(''),
    away: awaySettings.default({ enabled: false, message: '', timezone: 'UTC', hours: WEEKDAYS }),
    handoffKeyword: text(50, 'Handoff keyword').default(''),
  },
  { error: (iss) => (iss.code === 'unrecognized_keys' ? `Unknown setting: ${iss.keys.join(', ')}.` : undefined) },
);

export type BotSettings = z.infer<typeof botSettings>;
export type AutoReplyRule = z.infer<typeof autoReplyRule>;
export type BusinessHours = z.infer<typeof businessHours>;

/** Stored settings as the app uses them; rows written before a field existed get its default. */
export function readBotSettings(stored: unknown): BotSettings {
  const parsed = botSettings.safeParse(stored ?? {});
  return parsed.success ? parsed.data : botSettings.parse({});
}
