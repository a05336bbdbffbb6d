import { withSessionCookie } from '@/lib/api/session-response';
import { withPublic } from '@/lib/api/with-route';
import { signUpPerIp } from '@/lib/rate-limit/rules';
import { signUp } from '@/lib/services/auth/sign-up';
import { signUpBody } from '@/lib/validation/auth';

export const POST = withPublic(
  { body: signUpBody, rateLimit: [{ rule: signUpPerIp(), key: ({ ip }) => ip }] },
  async ({ body, req }) => {
    const { user, workspace, session } = await signUp({ ...body, userAgent: req.headers.get('user-agent') });
    return withSessionCookie({ user, workspaces: [{ ...workspace, role: 'owner' }] }, session, 201);
  },
);
