import { createHash, randomBytes } from 'node:crypto';

// Invitation links carry 256 random bits; the database keeps only their SHA-256, so the link is
// shown once (to whoever created the invite) and can never be read back or rebuilt from storage.

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newInviteToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashInviteToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Anything that is not the shape we issue is not looked up at all. */
export function isInviteTokenShape(token: unknown): token is string {
  return typeof token === 'string' && TOKEN_PATTERN.test(token);
}

export function invitePath(token: string): string {
  return `/invite/${token}`;
}
