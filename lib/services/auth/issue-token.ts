import type { Principal } from '@/lib/auth/principal';
import { authProvider, providerLabel } from '@/lib/auth/provider';
import type { SignedToken } from '@/lib/auth/tokens';
import { AppError } from '@/lib/errors';

/** A short-lived token for Socket.IO, SSE and scripts, bound to the caller's browser session. */
export async function issueToken(opts: { principal: Principal }): Promise<SignedToken> {
  const provider = authProvider();
  // With Clerk or Firebase the browser already holds that provider's token, and so can a script.
  if (!provider.issueToken || opts.principal.via === 'provider') {
    throw new AppError('not_found', `Parley does not issue tokens here: use the ${providerLabel(provider.name)} token as the bearer.`);
  }
  return provider.issueToken({ userId: opts.principal.userId, sessionId: opts.principal.sessionId });
}
