import type { Principal } from '@/lib/auth/principal';
import { authProvider } from '@/lib/auth/provider';
import type { SignedToken } from '@/lib/auth/tokens';

/** A short-lived token for Socket.IO, SSE and scripts, bound to the caller's browser session. */
export function issueToken(opts: { principal: Principal }): Promise<SignedToken> {
  return authProvider().issueToken({ userId: opts.principal.userId, sessionId: opts.principal.sessionId });
}
