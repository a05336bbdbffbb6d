import { withSessionCookie } from '@/lib/api/session-response';
import { json, withSession } from '@/lib/api/with-route';
import { SIGN_IN_PER_IP } from '@/lib/rate-limit/rules';
import { createProviderSession } from '@/lib/services/auth/create-provider-session';
import { getAccount } from '@/lib/services/auth/get-account';

export const GET = withSession({}, async ({ principal }) => json(await getAccount({ principal })));

/** Clerk/Firebase: trade the provider's token (Authorization: Bearer) for a Parley session cookie. */
export const POST = withSession({ rateLimit: [{ rule: SIGN_IN_PER_IP, key: ({ ip }) => ip }] }, async ({ principal, req }) => {
  const { user, session } = await createProviderSession({ principal, userAgent: req.headers.get('user-agent') });
  return withSessionCookie({ user }, session, 201);
});
