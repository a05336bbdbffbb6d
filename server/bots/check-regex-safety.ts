import { AppError } from '@/lib/errors';
import { regexProblem } from '@/lib/validation/bot-settings';
import { MAX_MATCH_CHARS } from './match-rule';
import { REGEX_TIMEOUT_MS, runBoundedRegex } from './run-bounded-regex';

// Server-side only (node:vm): the services that save bot settings call it, the browser never does.
// A pattern that compiles can still backtrack for minutes on the wrong message ("(a+)+$" on
// "aaaa…!"). The bot engine would cut such a match off and skip the rule on every message, so
// the owner is told now, on save, instead. The probes are the texts that make backtracking
// explode: long runs of one kind of character that almost match, then fail at the end.

const RUN = MAX_MATCH_CHARS - 1;
const FIXED_RUNS = ['a', '1', ' ', 'ab', 'a ', 'a1', '1 ', '.', '-', '\t'];
/** Distinct letters and digits of the pattern itself, e.g. the x and y of "(x+x+)+y". */
const MAX_PATTERN_CHARS = 8;
/** All probes of one pattern together: a save with 50 slow-but-passing patterns still ends soon. */
const TOTAL_BUDGET_MS = 250;

function probes(pattern: string): string[] {
  const own = [...new Set(pattern.toLowerCase().match(/[\p{L}\p{N}]/gu) ?? [])].slice(0, MAX_PATTERN_CHARS);
  const runs = [...new Set([...FIXED_RUNS, ...own])];
  const out: string[] = [];
  for (const unit of runs) {
    const body = unit.repeat(Math.ceil(RUN / unit.length)).slice(0, RUN);
    // Fail at the very end, with a character no run is made of, and with a newline ($ and \s).
    out.push(`${body}!`, `${body}\n`);
  }
  return out;
}

/**
 * Throws AppError('validation_failed') when `pattern` does not compile or takes longer than the
 * engine allows (REGEX_TIMEOUT_MS) on an adversarial message. `path` is the field it belongs
 * to, for the 422's details (e.g. "settings.autoReplies.2.pattern").
 */
export function assertSafeRegex(pattern: string, path = 'pattern'): void {
  const fail = (message: string): never => {
    throw new AppError('validation_failed', message, { details: [{ path, message }] });
  };
  const problem = regexProblem(pattern);
  if (problem) fail(problem);

  const started = performance.now();
  for (const probe of probes(pattern)) {
    if (runBoundedRegex(pattern, probe, REGEX_TIMEOUT_MS).timedOut || performance.now() - started > TOTAL_BUDGET_MS) {
      fail('This pattern is too slow on some messages (it backtracks too much). Simplify it, e.g. avoid nested repeats like (a+)+.');
    }
  }
}
