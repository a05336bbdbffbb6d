import { errorChain } from '@/lib/db';

// Retries a database call whose failure came before any statement reached the database: the
// pool had no free connection in time, or the server refused the connection. Nothing was
// written, so running it again cannot store anything twice. Any other failure (a lost
// connection mid-transaction may or may not have committed) is passed on at once.

const UNREACHED = /timeout exceeded when trying to connect|ECONNREFUSED/i;

/** True when `err` (or an error it wraps) says the call never got a connection to the database. */
export function isUnreachedDbError(err: unknown): boolean {
  for (const { code, message } of errorChain(err)) {
    if (code === 'ECONNREFUSED') return true;
    if (typeof message === 'string' && UNREACHED.test(message)) return true;
  }
  return false;
}

export interface RetryUnreachedOptions {
  /** Waits between attempts; the call is tried once more than there are delays. */
  delaysMs?: readonly number[];
  /** Told of each failure that will be retried. */
  onRetry?: (err: unknown, attempt: number) => void;
}

/** ≈ 15 s in all: longer than a pool's wait, short enough that a reply still makes sense. */
const DEFAULT_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000, 8_000];

export async function retryUnreached<T>(fn: () => Promise<T>, opts: RetryUnreachedOptions = {}): Promise<T> {
  const delays = opts.delaysMs ?? DEFAULT_DELAYS_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= delays.length || !isUnreachedDbError(err)) throw err;
      opts.onRetry?.(err, attempt + 1);
      await new Promise((r) => setTimeout(r, delays[attempt]));
    }
  }
}
