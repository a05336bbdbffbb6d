import { describe, expect, it } from 'vitest';
import { createGroupCommit, isStatementError } from './group-commit';

/** A write that records its batches and waits until released, like a transaction in flight. */
function recorder(fail?: (items: string[]) => unknown) {
  const batches: string[][] = [];
  let release: (() => void) | undefined;
  let gate: Promise<void> | undefined;
  return {
    batches,
    hold() {
      gate = new Promise((r) => (release = r));
    },
    release: () => release?.(),
    async write(items: string[]): Promise<string[]> {
      batches.push([...items]);
      if (gate) {
        const g = gate;
        gate = undefined;
        await g;
      }
      const err = fail?.(items);
      if (err) throw err;
      return items.map((i) => `stored ${i}`);
    },
  };
}

const settle = <T>(p: Promise<T>) => p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
const tick = () => new Promise((r) => setImmediate(r));

describe('createGroupCommit', () => {
  it('writes what arrives in one turn as one batch, and what arrives during a write as the next, in order', async () => {
    const rec = recorder();
    const gc = createGroupCommit<string, string>({ write: (i) => rec.write(i), maxWeight: 100 });
    rec.hold();
    const first = ['a', 'b'].map((i) => gc.submit(i));
    await tick();
    expect(rec.batches).toEqual([['a', 'b']]);
    // The first write is still running: these wait for it and then share one write.
    const second = ['c', 'd', 'e'].map((i) => gc.submit(i));
    await tick();
    expect(rec.batches).toHaveLength(1);
    expect(gc.pending()).toBe(5);
    rec.release();
    expect(await Promise.all([...first, ...second])).toEqual(['stored a', 'stored b', 'stored c', 'stored d', 'stored e']);
    expect(rec.batches).toEqual([['a', 'b'], ['c', 'd', 'e']]);
    expect(gc.pending()).toBe(0);
  });

  it('stops a batch at maxWeight (an item heavier than that still goes alone)', async () => {
    const rec = recorder();
    const gc = createGroupCommit<string, string>({ write: (i) => rec.write(i), weight: (i) => i.length, maxWeight: 4 });
    await Promise.all(['aa', 'bb', 'c', 'dddddd', 'e'].map((i) => gc.submit(i)));
    expect(rec.batches).toEqual([['aa', 'bb'], ['c'], ['dddddd'], ['e']]);
  });

  it('a failed batch rejects its own items only; the next batch is written', async () => {
    const down = new Error('connection terminated');
    const rec = recorder((items) => (items.includes('a') ? down : undefined));
    const gc = createGroupCommit<string, string>({ write: (i) => rec.write(i), maxWeight: 100, isolate: isStatementError });
    rec.hold();
    const first = ['a', 'b'].map((i) => settle(gc.submit(i)));
    await tick();
    const second = ['c'].map((i) => settle(gc.submit(i)));
    rec.release();
    expect(await Promise.all(first)).toEqual([
      { ok: false, error: down },
      { ok: false, error: down },
    ]);
    expect(await Promise.all(second)).toEqual([{ ok: true, value: 'stored c' }]);
    // Not a statement error: no item-by-item retry (it would only wait on the database again).
    expect(rec.batches).toEqual([['a', 'b'], ['c']]);
  });

  it('a batch failing on one item’s data is retried item by item: only that item fails', async () => {
    const violation = Object.assign(new Error('insert violates foreign key'), { code: '23503' });
    const rec = recorder((items) => (items.includes('bad') ? violation : undefined));
    const gc = createGroupCommit<string, string>({ write: (i) => rec.write(i), maxWeight: 100, isolate: isStatementError });
    const results = await Promise.all(['a', 'bad', 'b'].map((i) => settle(gc.submit(i))));
    expect(results).toEqual([
      { ok: true, value: 'stored a' },
      { ok: false, error: violation },
      { ok: true, value: 'stored b' },
    ]);
    expect(rec.batches).toEqual([['a', 'bad', 'b'], ['a'], ['bad'], ['b']]);
  });

  it('a write answering the wrong number of results fails its batch instead of mismatching answers', async () => {
    const gc = createGroupCommit<string, string>({ write: async (items) => items.slice(1), maxWeight: 100 });
    const results = await Promise.all(['a', 'b'].map((i) => settle(gc.submit(i))));
    expect(results.every((r) => !r.ok)).toBe(true);
  });
});

describe('isStatementError', () => {
  it('is true for data, constraint and serialization errors (also as a cause), false for connection failures', () => {
    expect(isStatementError(Object.assign(new Error('x'), { code: '23505' }))).toBe(true);
    expect(isStatementError(Object.assign(new Error('x'), { code: '40P01' }))).toBe(true);
    expect(isStatementError(new Error('Failed query', { cause: Object.assign(new Error('x'), { code: '22P02' }) }))).toBe(true);
    expect(isStatementError(Object.assign(new Error('x'), { code: '08006' }))).toBe(false);
    expect(isStatementError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isStatementError(Object.assign(new Error('x'), { code: 'P0001' }))).toBe(false);
    expect(isStatementError(new Error('timeout'))).toBe(false);
  });
});
