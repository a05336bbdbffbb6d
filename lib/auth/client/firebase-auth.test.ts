import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { firebaseError, isCancelledPopup } from './firebase-auth';

describe('firebaseError', () => {
  it.each([
    ['auth/invalid-credential', 'unauthorized', 'Incorrect email or password.'],
    ['auth/email-already-in-use', 'unauthorized', 'An account with this email already exists. Sign in instead.'],
    ['auth/network-request-failed', 'service_unavailable', 'Cannot reach Firebase. Check your connection and try again.'],
    ['auth/something-new', 'unauthorized', 'Sign-in failed. Please try again.'],
  ])('%s → %s with a readable message', (code, appCode, message) => {
    expect(firebaseError(Object.assign(new Error('Firebase: raw text'), { code }))).toMatchObject({ code: appCode, message });
  });

  it('passes Parley’s own errors through unchanged', () => {
    const err = new AppError('rate_limited', 'Slow down.');
    expect(firebaseError(err)).toBe(err);
  });

  it('treats a closed Google pop-up as a cancellation, not an error', () => {
    expect(isCancelledPopup({ code: 'auth/popup-closed-by-user' })).toBe(true);
    expect(isCancelledPopup({ code: 'auth/popup-blocked' })).toBe(false);
    expect(isCancelledPopup(null)).toBe(false);
  });
});
