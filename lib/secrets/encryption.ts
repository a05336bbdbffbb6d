import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deriveKey } from './app-secret';

// AES-256-GCM with a key derived from APP_SECRET per purpose. Format: v1.<iv>.<tag>.<ciphertext>
// (base64url). The associated data binds a ciphertext to its row, so rows cannot be swapped.

const VERSION = 'v1';
const keys = new Map<string, Uint8Array>();

function keyFor(purpose: string): Uint8Array {
  let key = keys.get(purpose);
  if (!key) keys.set(purpose, (key = deriveKey(purpose)));
  return key;
}

export function encrypt(purpose: string, plaintext: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(purpose), iv);
  cipher.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
}

export class DecryptionError extends Error {
  constructor() {
    super('ciphertext could not be decrypted (wrong APP_SECRET or tampered data)');
    this.name = 'DecryptionError';
  }
}

export function decrypt(purpose: string, sealed: string, aad: string): string {
  const [version, iv, tag, ct] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || ct === undefined) throw new DecryptionError();
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(purpose), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new DecryptionError();
  }
}

/** Tests change APP_SECRET between cases. */
export function resetEncryptionKeys(): void {
  keys.clear();
}
