import { errorChain } from '@/lib/db';

/**
 * Group commit: callers submit items one by one, and items that arrive while a write is running
 * are written together by the next one (one transaction, multi-row statements) instead of one
 * transaction each. Writes run one at a time, in submission order, so items keep their order
 * across batches. Nothing waits on a timer: an idle writer starts at once (on the next turn of
 * the event loop, so requests parsed in the same turn share it), and the batch grows only as
 * far as the database is slower than the arrivals.
 *
 * Each submitter's promise settles with its own item's result once its batch committed, or
 * rejects with the batch's error. A batch that fails for a reason one item can cause (a
 * constraint, bad data: `isolate`) is written again item by item, so one bad item fails alone.
 */
export interface GroupCommitOptions<I, O> {
  /** Writes the items atomically; returns one result per item, in order. */
  write(items: I[]): Promise<O[]>;
  /** How much of a batch an item uses (messages in it); batches stop at `maxWeight` (always at least one item). */
  weight?(item: I): number;
  maxWeight: number;
  /** Whether this failure may be one item's fault (retry item by item) rather than the database's (fail all). */
  isolate?(err: unknown): boolean;
}

export interface GroupCommit<I, O> {
  submit(item: I): Promise<O>;
  /** Items waiting for a write or being written (tests, metrics). */
  pending(): number;
}

interface Waiting<I, O> {
  item: I;
  resolve(out: O): void;
  reject(err: unknown): void;
}

export function createGroupCommit<I, O>(opts: GroupCommitOptions<I, O>): GroupCommit<I, O> {
  const queue: Waiting<I, O>[] = [];
  let inFlight = 0;
  let running = false;
  const weight = opts.weight ?? (() => 1);

  async function run(batch: Waiting<I, O>[]): Promise<void> {
    try {
      const out = await opts.write(batch.map((w) => w.item));
      if (out.length !== batch.length) throw new Error(`group commit: ${out.length} results for ${batch.length} items`);
      batch.forEach((w, i) => w.resolve(out[i]!));
    } catch (err) {
      let isolate = false;
      try {
        isolate = batch.length > 1 && (opts.isolate?.(err) ?? false);
      } catch {
        // Undecided: fail the batch as a whole.
      }
      if (isolate) {
        for (const w of batch) await run([w]);
        return;
      }
      for (const w of batch) w.reject(err);
    }
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      let n = 0;
      let used = 0;
      while (n < queue.length) {
        const w = weight(queue[n]!.item);
        if (n > 0 && used + w > opts.maxWeight) break;
        used += w;
        n++;
      }
      const batch = queue.splice(0, n);
      await run(batch);
      inFlight -= batch.length;
    }
    running = false;
  }

  return {
    submit(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        inFlight++;
        if (!running) {
          running = true;
          setImmediate(() => void drain());
        }
      });
    },
    pending: () => inFlight,
  };
}

/**
 * A PostgreSQL error one statement's data can cause — data exception (22), integrity constraint
 * (23), serialization failure or deadlock (40) — rather than a lost connection or a database
 * that is down, where retrying item by item would only multiply the waiting.
 */
export function isStatementError(err: unknown): boolean {
  for (const { code } of errorChain(err)) {
    if (typeof code === 'string' && /^(22|23|40)[0-9A-Z]{3}$/.test(code)) return true;
  }
  return false;
}
