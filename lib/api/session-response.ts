import { serializeSessionCookie } from '@/lib/auth/session-cookie';
import type { CreatedSession } from '@/lib/services/auth/create-session';
import { json } from './with-route';

/** A JSON response that also signs the browser in. */
export function withSessionCookie(data: unknown, session: CreatedSession, status = 200): Response {
  return json(data, { status, headers: { 'set-cookie': serializeSessionCookie(session.secret, session.expiresAt) } });
}
