import { createHash, randomBytes } from 'node:crypto';
import { env, isProduction } from '@/lib/env';

export const SESSION_COOKIE = 'parley_session';

export function newSessionSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSessionSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

function secureCookies(): boolean {
  const setting = env().COOKIE_SECURE;
  return setting === 'auto' ? isProduction() : setting === 'true';
}

export function serializeSessionCookie(secret: string, expiresAt: Date): string {
  const parts = [
    `${SESSION_COOKIE}=${secret}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Expires=${expiresAt.toUTCString()}`,
    `Max-Age=${Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000))}`,
  ];
  if (secureCookies()) parts.push('Secure');
  return parts.join('; ');
}

export function serializeClearedSessionCookie(): string {
  const parts = [`${SESSION_COOKIE}=`, 'Path=/', 'HttpOnly', 'SameSite=Lax', 'Max-Age=0', 'Expires=Thu, 01 Jan 1970 00:00:00 GMT'];
  if (secureCookies()) parts.push('Secure');
  return parts.join('; ');
}

/** Reads one cookie from a raw `Cookie` header (Socket.IO handshakes hand us the raw header). */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value.length > 0 && value.length <= 512 ? value : undefined;
    }
  }
  return undefined;
}
