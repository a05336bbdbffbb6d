import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password';

describe('password hashing (scrypt)', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
  });

  it('salts: the same password hashes differently and never appears in the hash', async () => {
    const a = await hashPassword('same-password');
    const b = await hashPassword('same-password');
    expect(a).not.toBe(b);
    expect(a).not.toContain('same-password');
    expect(a.split('$')).toHaveLength(6);
    expect(a.startsWith('scrypt$32768$8$1$')).toBe(true);
  });

  it.each(['', 'plain', 'bcrypt$1$2$3$4$5', 'scrypt$abc$8$1$c2FsdA$aGFzaA', 'scrypt$32768$8$1$c2FsdA$', 'scrypt$99999999$8$1$c2FsdA$aGFzaA'])(
    'treats a malformed stored hash %j as a mismatch',
    async (stored) => {
      expect(await verifyPassword('anything', stored)).toBe(false);
    },
  );

  it('rejects absurdly long passwords instead of hashing them', async () => {
    await expect(hashPassword('x'.repeat(2000))).rejects.toThrow(RangeError);
    expect(await verifyPassword('x'.repeat(2000), await hashPassword('short-one'))).toBe(false);
  });
});
