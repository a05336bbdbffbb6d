'use client';

import { SignIn, SignUp, useAuth, useClerk } from '@clerk/nextjs';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { exchangeProviderToken } from '@/lib/auth/client/exchange-provider-token';
import { AppError, errorMessage } from '@/lib/errors';

/**
 * Clerk's own sign-in / sign-up (inside <ClerkProvider>). Once Clerk reports a signed-in session
 * (just now, or still from before), its session token is exchanged for Parley's session cookie.
 */
export function ClerkAuthFlow({ mode, next }: { mode: 'sign-in' | 'sign-up'; next: string }) {
  const { isLoaded, isSignedIn, getToken } = useAuth();
  const clerk = useClerk();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const exchanging = useRef(false);

  useEffect(() => {
    if (!isLoaded || !isSignedIn || exchanging.current) return;
    exchanging.current = true;
    void (async () => {
      try {
        const token = await getToken();
        if (!token) throw new AppError('unauthorized', 'Clerk returned no session token.');
        await exchangeProviderToken(token);
        router.replace(next);
        router.refresh();
      } catch (err) {
        // Refused (this Clerk session was signed out of Parley): end it so the user can sign in afresh.
        if (err instanceof AppError && err.code === 'unauthorized') await clerk.signOut({ redirectUrl: window.location.href });
        else setError(errorMessage(err, 'Sign-in failed. Please try again.'));
        exchanging.current = false;
      }
    })();
  }, [isLoaded, isSignedIn, getToken, clerk, next, router]);

  // Clerk comes back here after sign-in; the effect above then finishes the Parley side.
  const here = `/${mode}${next === '/dashboard' ? '' : `?next=${encodeURIComponent(next)}`}`;
  if (error) {
    return (
      <div className="alert alert--error" role="alert">
        {error}
      </div>
    );
  }
  if (!isLoaded || isSignedIn) {
    return (
      <p className="muted" role="status">
        {isSignedIn ? 'Signing you in…' : 'Loading sign-in…'}
      </p>
    );
  }
  return mode === 'sign-in' ? (
    <SignIn routing="hash" signUpUrl="/sign-up" forceRedirectUrl={here} />
  ) : (
    <SignUp routing="hash" signInUrl="/sign-in" forceRedirectUrl={here} />
  );
}
