import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setupTestEnv } from '@/test/setup-env';
import { decrypt, DecryptionError, encrypt, resetEncryptionKeys } from './encryption';

beforeEach(() => {
  setupTestEnv();
  resetEncryptionKeys();
});
afterEach(() => resetEncryptionKeys());

/** Flips one bit of the base64url part at `index` (1 = iv, 2 = tag, 3 = ciphertext). */
function tamper(sealed: string, index: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index] ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('encrypt/decrypt (AES-256-GCM)', () => {
  it('round-trips text, including unicode and the empty string, in the v1 format', () => {
    for (const text of ['hello', 'ünïcödé ✓ 🎉', '', 'x'.repeat(10_000)]) {
      const sealed = encrypt('test', text, 'row-1');
      expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]*$/);
      expect(sealed).not.toContain(text || '\u0000');
      expect(decrypt('test', sealed, 'row-1')).toBe(text);
    }
  });

  it('uses a random IV: the same plaintext encrypts differently each time', () => {
    const a = encrypt('test', 'same text', 'row');
    const b = encrypt('test', 'same text', 'row');
    expect(a).not.toBe(b);
    expect(a.split('.')[1]).not.toBe(b.split('.')[1]);
    expect(decrypt('test', a, 'row')).toBe('same text');
    expect(decrypt('test', b, 'row')).toBe('same text');
  });

  it('rejects tampered iv, tag or ciphertext with DecryptionError', () => {
    const sealed = encrypt('test', 'secret value', 'row');
    for (const index of [1, 2, 3]) {
      expect(() => decrypt('test', tamper(sealed, index), 'row')).toThrow(DecryptionError);
    }
  });

  it('rejects malformed input with DecryptionError', () => {
    const sealed = encrypt('test', 'secret value', 'row');
    expect(() => decrypt('test', sealed.replace(/^v1/, 'v2'), 'row')).toThrow(DecryptionError);
    expect(() => decrypt('test', 'not-a-ciphertext', 'row')).toThrow(DecryptionError);
    expect(() => decrypt('test', sealed.split('.').slice(0, 3).join('.'), 'row')).toThrow(DecryptionError);
  });

  it('binds the ciphertext to its associated data: another row id does not decrypt', () => {
    const sealed = encrypt('test', 'secret value', 'bot-1/creds/');
    expect(() => decrypt('test', sealed, 'bot-2/creds/')).toThrow(DecryptionError);
    expect(decrypt('test', sealed, 'bot-1/creds/')).toBe('secret value');
  });

  it('derives one key per purpose: another purpose does not decrypt', () => {
    const sealed = encrypt('purpose-a', 'secret value', 'row');
    expect(() => decrypt('purpose-b', sealed, 'row')).toThrow(DecryptionError);
  });

  it('cannot decrypt under another APP_SECRET', () => {
    const sealed = encrypt('test', 'secret value', 'row');
    setupTestEnv(); // a fresh random APP_SECRET (and the env and secret caches reset)
    resetEncryptionKeys();
    const err = (() => {
      try {
        decrypt('test', sealed, 'row');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DecryptionError);
    expect((err as Error).message).toMatch(/wrong APP_SECRET or tampered/);
  });
});
