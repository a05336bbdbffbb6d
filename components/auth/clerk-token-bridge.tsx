'use client';

import { useAuth, useClerk } from '@clerk/nextjs';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { UnifiedWebSocketProvider } from '@/components/realtime/unified-websocket-provider';
import { useEndSession } from '@/hooks/use-end-session';
import { createProviderTokenSource } from '@/lib/auth/client/provider-token-source';
import { ProviderSessionContext, type ProviderSession } from './provider-session-context';

/**
 * Inside <ClerkProvider>: the tab's socket authenticates with Clerk session tokens (60 s, refreshed
 * in-band), and a Clerk sign-out anywhere (another tab, a revoked session) ends the Parley session.
 */
export function ClerkTokenBridge({ children }: { children: ReactNode }) {
  const { isLoaded, isSignedIn, getToken } = useAuth();
  const clerk = useClerk();
  const [source] = useState(createProviderTokenSource);
  const endSession = useEndSession();
  const signingOut = useRef(false);

  useEffect(() => {
    if (!isLoaded) return;
    source.attach((forceRefresh) => getToken({ skipCache: forceRefresh }));
    if (!isSignedIn && !signingOut.current) void endSession();
  }, [isLoaded, isSignedIn, getToken, source, endSession]);

  const session = useMemo<ProviderSession>(
    () => ({
      async signOut() {
        signingOut.current = true;
        await clerk.signOut();
      },
    }),
    [clerk],
  );

  return (
    <ProviderSessionContext.Provider value={session}>
      <UnifiedWebSocketProvider options={{ getToken: source.getToken }}>{children}</UnifiedWebSocketProvider>
    </ProviderSessionContext.Provider>
  );
}
