'use client';

import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { UnifiedWebSocketProvider } from '@/components/realtime/unified-websocket-provider';
import { useEndSession } from '@/hooks/use-end-session';
import type { FirebaseWebConfig } from '@/lib/auth/client-auth-config';
import { loadFirebaseAuth } from '@/lib/auth/client/firebase-auth';
import { createProviderTokenSource } from '@/lib/auth/client/provider-token-source';
import { ProviderSessionContext, type ProviderSession } from './provider-session-context';

/**
 * The signed-in area with Firebase: the tab's socket authenticates with the Firebase ID token
 * (refreshed in-band before it expires), and a Firebase sign-out anywhere ends the Parley session.
 */
export function FirebaseSessionBridge({ config, children }: { config: FirebaseWebConfig; children: ReactNode }) {
  const [source] = useState(createProviderTokenSource);
  const endSession = useEndSession();
  const signingOut = useRef(false);
  const { apiKey, authDomain, projectId } = config;

  useEffect(() => {
    let cancelled = false;
    let unsubscribe: (() => void) | undefined;
    loadFirebaseAuth({ apiKey, authDomain, projectId }).then(
      async (auth) => {
        source.attach(async (forceRefresh) => {
          await auth.authStateReady();
          return auth.currentUser ? auth.currentUser.getIdToken(forceRefresh) : null;
        });
        const { onAuthStateChanged } = await import('firebase/auth');
        if (cancelled) return;
        unsubscribe = onAuthStateChanged(auth, (user) => {
          if (!user && !signingOut.current) void endSession();
        });
      },
      // The SDK did not load: the socket falls back to the session cookie.
      () => undefined,
    );
    return () => {
      cancelled = true;
      unsubscribe?.();
    };
  }, [apiKey, authDomain, projectId, source, endSession]);

  const session = useMemo<ProviderSession>(
    () => ({
      async signOut() {
        signingOut.current = true;
        const [auth, { signOut }] = await Promise.all([loadFirebaseAuth({ apiKey, authDomain, projectId }), import('firebase/auth')]);
        await signOut(auth);
      },
    }),
    [apiKey, authDomain, projectId],
  );

  return (
    <ProviderSessionContext.Provider value={session}>
      <UnifiedWebSocketProvider options={{ getToken: source.getToken }}>{children}</UnifiedWebSocketProvider>
    </ProviderSessionContext.Provider>
  );
}
