import { withSessionCookie } from '@/lib/api/session-response';
import { withPublic } from '@/lib/api/with-route';
import { rateLimiter } from '@/lib/rate-limit/rate-limiter';
import { SIGN_IN_PER_EMAIL, SIGN_IN_PER_IP } from '@/lib/rate-limit/rules';
import { signIn } from '@/lib/services/auth/sign-in';
import { signInBody } from '@/lib/validation/auth';

export const POST = withPublic(
  {
    body: signInBody,
    rateLimit: [
      { rule: SIGN_IN_PER_IP, key: ({ ip }) => ip },
      { rule: SIGN_IN_PER_EMAIL, key: ({ body }) => body.email },
    ],
  },
  async ({ body, req }) => {
    const { user, session } = await signIn({ ...body, userAgent: req.headers.get('user-agent') });
    // A successful sign-in clears the account's failure window; the per-IP window stays.
    await rateLimiter().reset(SIGN_IN_PER_EMAIL, body.email);
    return withSessionCookie({ user }, session);
  },
);
