import { createHash } from 'node:crypto';

/** Verify tokens are only compared, never shown again, so only their SHA-256 (hex) is stored. */
export function hashVerifyToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
