import type { Auth } from 'firebase/auth';
import type { FirebaseWebConfig } from '@/lib/auth/client-auth-config';
import { AppError } from '@/lib/errors';

// The Firebase SDK is loaded on demand, so the local and Clerk modes never download it.

let cached: { key: string; auth: Promise<Auth> } | undefined;

/** The tab's one Firebase Auth instance (IndexedDB persistence, popup support for Google). */
export function loadFirebaseAuth(config: FirebaseWebConfig): Promise<Auth> {
  const key = JSON.stringify(config);
  if (cached?.key !== key) {
    const auth = (async () => {
      const [{ getApps, initializeApp }, { getAuth }] = await Promise.all([import('firebase/app'), import('firebase/auth')]);
      const app = getApps().find((a) => a.name === 'parley') ?? initializeApp(config, 'parley');
      return getAuth(app);
    })();
    cached = { key, auth };
    // A failed load (offline) is retried next time instead of cached.
    auth.catch(() => {
      if (cached?.auth === auth) cached = undefined;
    });
  }
  return cached!.auth;
}

const MESSAGES: Record<string, string> = {
  'auth/invalid-credential': 'Incorrect email or password.',
  'auth/invalid-login-credentials': 'Incorrect email or password.',
  'auth/wrong-password': 'Incorrect email or password.',
  'auth/user-not-found': 'Incorrect email or password.',
  'auth/user-disabled': 'This account has been disabled.',
  'auth/email-already-in-use': 'An account with this email already exists. Sign in instead.',
  'auth/account-exists-with-different-credential': 'An account with this email already exists with another sign-in method.',
  'auth/weak-password': 'Choose a stronger password.',
  'auth/invalid-email': 'Enter a valid email address.',
  'auth/too-many-requests': 'Too many attempts. Try again in a few minutes.',
  'auth/network-request-failed': 'Cannot reach Firebase. Check your connection and try again.',
  'auth/popup-blocked': 'Allow pop-ups for this site to sign in with Google.',
  'auth/operation-not-allowed': 'This sign-in method is not enabled for the Firebase project.',
  'auth/unauthorized-domain': 'This domain is not authorized for sign-in in the Firebase project.',
};

/** Closing Google's pop-up is a change of mind, not an error. */
export function isCancelledPopup(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'auth/popup-closed-by-user' || code === 'auth/cancelled-popup-request';
}

/** A Firebase SDK error as the AppError the forms display (Parley's own errors pass through). */
export function firebaseError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const message = typeof code === 'string' ? MESSAGES[code] : undefined;
  return new AppError(code === 'auth/network-request-failed' ? 'service_unavailable' : 'unauthorized', message ?? 'Sign-in failed. Please try again.', { cause: err });
}
