import vm from 'node:vm';

// Bot owners write their own regular expressions, and V8's backtracking engine can take
// exponential time on some of them ("(a+)+$"). A regex cannot be interrupted from the outside
// in the main context, but a script run through node:vm with `timeout` is: V8 terminates it,
// mid-match, when the watchdog fires. One context is enough; it is reused after a timeout.

/** How long one match may run before it is abandoned (and counts as no match). */
export const REGEX_TIMEOUT_MS = 50;

export interface BoundedRegexResult {
  matched: boolean;
  /** The match was interrupted: the pattern is too slow on this text. */
  timedOut: boolean;
  /** The pattern does not compile (stored before it was validated, or edited by hand). */
  invalid: boolean;
}

let context: vm.Context | undefined;
// Compiled inside the context, so the RegExp and the match belong to the script the timeout guards.
const script = new vm.Script('new RegExp(pattern, "i").test(text)', { filename: 'parley-bot-regex.vm' });

/** `new RegExp(pattern, 'i').test(text)`, interrupted after `timeoutMs`. Never throws. */
export function runBoundedRegex(pattern: string, text: string, timeoutMs = REGEX_TIMEOUT_MS): BoundedRegexResult {
  context ??= vm.createContext(Object.create(null), { codeGeneration: { strings: false, wasm: false } });
  context.pattern = pattern;
  context.text = text;
  try {
    const matched = script.runInContext(context, { timeout: timeoutMs }) === true;
    return { matched, timedOut: false, invalid: false };
  } catch (err) {
    const timedOut = (err as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
    // Errors from the context are not `instanceof SyntaxError` here (another realm): anything
    // else the script can throw is the pattern failing to compile.
    return { matched: false, timedOut, invalid: !timedOut };
  } finally {
    // Do not keep the last message text alive in the context.
    context.text = '';
  }
}
