import { describe, expect, it } from 'vitest';
import { listMessagesQuery } from './conversation';
import { queryInt } from './query-int';

describe('queryInt', () => {
  const limit = queryInt('Limit must be a whole number from 1 to 100.', { min: 1, max: 100 });

  it.each([['5', 5], ['100', 100], [7, 7]])('takes %j', (input, out) => {
    expect(limit.parse(input)).toBe(out);
  });

  it.each(['0x10', '1e2', ' 5', '', '-5', '1.5', 'abc', '0', '101', '99999999999999999999', 1.5])('refuses %j with the message', (input) => {
    const r = limit.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('Limit must be a whole number from 1 to 100.');
  });

  it('keeps defaults and optional fields in query schemas', () => {
    expect(listMessagesQuery.parse({})).toEqual({ limit: 50 });
    expect(listMessagesQuery.parse({ before: '12', limit: '3' })).toEqual({ before: 12, limit: 3 });
  });
});
