import { describe, expect, it } from 'vitest';
import { isUnreachedDbError, retryUnreached } from './retry-unreached';

describe('retryUnreached', () => {
  const poolTimeout = () => new Error('timeout exceeded when trying to connect');
  const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

  it('tells errors raised before a connection from those raised after one', () => {
    expect(isUnreachedDbError(poolTimeout())).toBe(true);
    expect(isUnreachedDbError(refused())).toBe(true);
    // Drizzle wraps the driver's error.
    expect(isUnreachedDbError(new Error('Failed query: select 1', { cause: poolTimeout() }))).toBe(true);
    // A connection lost mid-transaction may have committed: not retried.
    expect(isUnreachedDbError(new Error('Connection terminated unexpectedly'))).toBe(false);
    expect(isUnreachedDbError(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isUnreachedDbError('timeout')).toBe(false);
  });

  it('retries unreached failures until one attempt succeeds', async () => {
    let calls = 0;
    const retried: number[] = [];
    const result = await retryUnreached(
      async () => {
        calls += 1;
        if (calls < 3) throw poolTimeout();
        return 'ok';
      },
      { delaysMs: [1, 1, 1], onRetry: (_err, attempt) => retried.push(attempt) },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(retried).toEqual([1, 2]);
  });

  it('passes any other failure on at once, and the last unreached one after the delays run out', async () => {
    let calls = 0;
    const failWith = (make: () => Error) => async () => {
      calls += 1;
      throw make();
    };
    const other = new Error('Connection terminated unexpectedly');
    await expect(retryUnreached(failWith(() => other), { delaysMs: [1, 1] })).rejects.toBe(other);
    expect(calls).toBe(1);

    calls = 0;
    await expect(retryUnreached(failWith(refused), { delaysMs: [1, 1] })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(calls).toBe(3);
  });
});
