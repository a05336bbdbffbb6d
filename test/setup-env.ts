import { randomBytes } from 'node:crypto';
import { resetEnvCache } from '@/lib/env';
import { resetAppSecretCache } from '@/lib/secrets/app-secret';

/** A fresh secret and quiet logs for in-process tests; nothing is written under ./data. */
export function setupTestEnv(overrides: Record<string, string> = {}): void {
  process.env.APP_SECRET = randomBytes(32).toString('hex');
  process.env.LOG_LEVEL = 'silent';
  process.env.DATA_DIR = `/tmp/parley-test-${process.pid}`;
  Object.assign(process.env, overrides);
  resetEnvCache();
  resetAppSecretCache();
}
