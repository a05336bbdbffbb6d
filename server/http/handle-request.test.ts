import { describe, expect, it } from 'vitest';
import { pollutingQueryKey } from './handle-request';

describe('pollutingQueryKey', () => {
  it.each(['/api/x?__proto__=1', '/api/x?a=1&constructor=2', '/api/x?prototype', '/api/x?__proto__%5Bpolluted%5D=1', '/api/x?a.constructor.prototype=1', '/api/x?a[__proto__]=1'])(
    'finds one in %s',
    (url) => {
      expect(pollutingQueryKey(url)).toBeDefined();
    },
  );

  it.each(['/api/x', '/api/x?q=__proto__', '/api/x?constructors=1', '/api/x?myprototype=1', '/api/x?q=a%00'])('finds none in %s', (url) => {
    expect(pollutingQueryKey(url)).toBeUndefined();
  });
});
