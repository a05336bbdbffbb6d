import { json, withSession } from '@/lib/api/with-route';
import { TOKEN_PER_USER } from '@/lib/rate-limit/rules';
import { issueToken } from '@/lib/services/auth/issue-token';

export const POST = withSession(
  { rateLimit: [{ rule: TOKEN_PER_USER, key: ({ principal }) => principal.userId }] },
  async ({ principal }) => {
    const { token, expiresAt } = await issueToken({ principal });
    return json({ token, expiresAt: expiresAt.toISOString() });
  },
);
