import { hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dataDir, env } from '@/lib/env';

const SECRET_FILE = 'app-secret';
const CACHE = Symbol.for('parley.appSecret');
type SecretCache = { [CACHE]?: string };

/**
 * APP_SECRET from the environment, or one generated on first start and kept under DATA_DIR so
 * `npm start` needs no setup and sessions survive restarts. `wx` makes concurrent first starts
 * agree on one secret instead of overwriting each other.
 */
export function appSecret(): string {
  const g = globalThis as SecretCache;
  if (g[CACHE]) return g[CACHE];
  const fromEnv = env().APP_SECRET;
  if (fromEnv) return (g[CACHE] = fromEnv);

  const dir = dataDir();
  const file = path.join(dir, SECRET_FILE);
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(file, randomBytes(48).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const stored = readFileSync(file, 'utf8').trim();
  if (stored.length < 32) throw new Error(`${file} holds a secret shorter than 32 characters; delete it or set APP_SECRET`);
  return (g[CACHE] = stored);
}

export function resetAppSecretCache(): void {
  delete (globalThis as SecretCache)[CACHE];
}

/** A 32-byte key for one purpose, so one secret never serves two uses directly. */
export function deriveKey(purpose: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', appSecret(), 'parley', `parley:${purpose}`, 32));
}
