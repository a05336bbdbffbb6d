'use client';

import type { Auth } from 'firebase/auth';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import type { FirebaseWebConfig } from '@/lib/auth/client-auth-config';
import { exchangeProviderToken } from '@/lib/auth/client/exchange-provider-token';
import { firebaseError, isCancelledPopup, loadFirebaseAuth } from '@/lib/auth/client/firebase-auth';
import { AppError, errorMessage } from '@/lib/errors';
import type { SignInInput, SignUpInput } from '@/lib/validation/auth';
import { SignInForm } from './sign-in-form';
import { SignUpForm } from './sign-up-form';

interface FirebaseAuthPanelProps {
  config: FirebaseWebConfig;
  /** Show "Continue with Google" (FIREBASE_GOOGLE_SIGN_IN). */
  google: boolean;
  mode: 'sign-in' | 'sign-up';
  next: string;
}

/**
 * Sign-in with Firebase Authentication in the browser (email/password, Google when enabled). The
 * browser keeps the Firebase session; Parley gets its ID token once, in exchange for the session
 * cookie that server-rendered pages and REST calls use.
 */
export function FirebaseAuthPanel({ config, google, mode, next }: FirebaseAuthPanelProps) {
  const router = useRouter();
  const [resuming, setResuming] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [googlePending, setGooglePending] = useState(false);
  const { apiKey, authDomain, projectId } = config;

  const auth = useCallback(() => loadFirebaseAuth({ apiKey, authDomain, projectId }), [apiKey, authDomain, projectId]);

  /** The exchange; a refused token (that sign-in was signed out of Parley) ends the Firebase sign-in too. */
  const exchange = useCallback(async (a: Auth) => {
    if (!a.currentUser) throw new AppError('unauthorized', 'Sign-in did not complete. Please try again.');
    try {
      await exchangeProviderToken(await a.currentUser.getIdToken());
    } catch (err) {
      if (err instanceof AppError && err.code === 'unauthorized') await (await import('firebase/auth')).signOut(a);
      throw err;
    }
  }, []);

  // Still signed in to Firebase (e.g. Parley's session expired): continue without asking again.
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const a = await auth();
        await a.authStateReady();
        if (cancelled || !a.currentUser) return;
        await exchange(a);
        if (!cancelled) {
          router.replace(next);
          router.refresh();
        }
      } catch (err) {
        // A refused resume just means "sign in again": no error for that.
        if (!cancelled && !(err instanceof AppError && err.code === 'unauthorized')) setError(errorMessage(firebaseError(err), 'Sign-in failed.'));
      } finally {
        if (!cancelled) setResuming(false);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [auth, exchange, next, router]);

  const signIn = async ({ email, password }: SignInInput) => {
    const [a, { signInWithEmailAndPassword }] = await Promise.all([auth(), import('firebase/auth')]);
    await signInWithEmailAndPassword(a, email, password).catch((err: unknown) => Promise.reject(firebaseError(err)));
    await exchange(a);
  };

  const signUp = async ({ email, password, name }: SignUpInput) => {
    const [a, { createUserWithEmailAndPassword, updateProfile }] = await Promise.all([auth(), import('firebase/auth')]);
    const { user } = await createUserWithEmailAndPassword(a, email, password).catch((err: unknown) => Promise.reject(firebaseError(err)));
    await updateProfile(user, { displayName: name });
    // The name reaches the ID token only in a fresh one, and the first sign-in names the account.
    await user.getIdToken(true);
    await exchange(a);
  };

  async function withGoogle() {
    setError(null);
    setGooglePending(true);
    try {
      const [a, { GoogleAuthProvider, signInWithPopup }] = await Promise.all([auth(), import('firebase/auth')]);
      await signInWithPopup(a, new GoogleAuthProvider());
      await exchange(a);
      router.replace(next);
      router.refresh();
    } catch (err) {
      if (!isCancelledPopup(err)) setError(errorMessage(firebaseError(err), 'Sign-in failed.'));
      setGooglePending(false);
    }
  }

  if (resuming) {
    return (
      <p className="muted" role="status">
        Checking your sign-in…
      </p>
    );
  }
  return (
    <>
      {error ? (
        <div className="alert alert--error" role="alert">
          {error}
        </div>
      ) : null}
      {google ? (
        <button type="button" className="button button--secondary button--block" onClick={withGoogle} disabled={googlePending}>
          {googlePending ? 'Waiting for Google…' : 'Continue with Google'}
        </button>
      ) : null}
      {mode === 'sign-in' ? <SignInForm next={next} submit={signIn} /> : <SignUpForm next={next} submit={signUp} />}
    </>
  );
}
