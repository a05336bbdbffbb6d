import { describe, expect, it } from 'vitest';
import { safeNextPath } from './safe-next-path';

describe('safeNextPath', () => {
  it.each(['/inbox', '/settings?tab=team', '/bots/123'])('keeps same-site path %s', (p) => {
    expect(safeNextPath(p)).toBe(p);
  });
  it.each([undefined, '', 'https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '/sign-in', '/x\u0000y', ['/inbox']])(
    'falls back for %j',
    (p) => {
      expect(safeNextPath(p)).toBe('/dashboard');
    },
  );
});
