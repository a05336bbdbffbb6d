import { json, withPublic } from '@/lib/api/with-route';
import { serializeClearedSessionCookie } from '@/lib/auth/session-cookie';
import { signOut } from '@/lib/services/auth/sign-out';

// Public so that signing out with an already-expired session still clears the cookie.
export const POST = withPublic({}, async ({ principal }) => {
  if (principal) await signOut({ principal });
  return json({ ok: true }, { headers: { 'set-cookie': serializeClearedSessionCookie() } });
});
