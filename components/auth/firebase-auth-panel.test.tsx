import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as FirebaseAuthModule from '@/lib/auth/client/firebase-auth';
import { FirebaseAuthPanel } from './firebase-auth-panel';

// The Firebase SDK is replaced at its edge (the firebase/auth functions and the Auth object);
// Parley's side runs for real: validation, the token exchange request, errors, navigation.

const router = { replace: vi.fn(), refresh: vi.fn(), push: vi.fn() };
vi.mock('next/navigation', () => ({ useRouter: () => router }));

interface FakeUser {
  getIdToken: ReturnType<typeof vi.fn>;
}
const fakeAuth: { currentUser: FakeUser | null; authStateReady: () => Promise<void> } = { currentUser: null, authStateReady: async () => {} };
const newUser = (token = 'firebase-id-token'): FakeUser => ({ getIdToken: vi.fn(async () => token) });

const sdk = vi.hoisted(() => ({
  signInWithEmailAndPassword: vi.fn(),
  createUserWithEmailAndPassword: vi.fn(),
  updateProfile: vi.fn(),
  signInWithPopup: vi.fn(),
  signOut: vi.fn(),
}));
vi.mock('firebase/auth', () => ({ ...sdk, GoogleAuthProvider: class GoogleAuthProvider {} }));
vi.mock('@/lib/auth/client/firebase-auth', async (importOriginal) => ({
  ...(await importOriginal<typeof FirebaseAuthModule>()),
  loadFirebaseAuth: async () => fakeAuth,
}));

const config = { apiKey: 'AIzaTest', authDomain: 'parley-test.firebaseapp.com', projectId: 'parley-test' };
let fetchMock: ReturnType<typeof vi.fn>;

beforeEach(() => {
  fakeAuth.currentUser = null;
  for (const fn of Object.values(sdk)) fn.mockReset();
  sdk.signOut.mockImplementation(async () => void (fakeAuth.currentUser = null));
  router.replace.mockReset();
  router.refresh.mockReset();
  fetchMock = vi.fn(async () => Response.json({ user: { id: 'u1' } }, { status: 201 }));
  vi.stubGlobal('fetch', fetchMock);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function exchanges(): { url: string; authorization: string | null }[] {
  return fetchMock.mock.calls.map((call) => {
    const [url, init] = call as [string, RequestInit];
    return { url, authorization: new Headers(init.headers).get('authorization') };
  });
}

const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe('FirebaseAuthPanel', () => {
  it('shows the email form once it knows nobody is signed in; Google only when enabled', async () => {
    const { unmount } = render(<FirebaseAuthPanel config={config} google={false} mode="sign-in" next="/inbox" />);
    expect(screen.getByRole('status').textContent).toMatch(/Checking your sign-in/);
    expect(await screen.findByLabelText('Email')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Continue with Google' })).toBeNull();
    expect(fetchMock).not.toHaveBeenCalled();
    unmount();
    render(<FirebaseAuthPanel config={config} google mode="sign-in" next="/inbox" />);
    expect(await screen.findByRole('button', { name: 'Continue with Google' })).toBeTruthy();
  });

  it('continues a Firebase sign-in that is still active: exchanges its ID token and goes on', async () => {
    fakeAuth.currentUser = newUser('still-signed-in');
    render(<FirebaseAuthPanel config={config} google={false} mode="sign-in" next="/inbox" />);
    await waitFor(() => expect(router.replace).toHaveBeenCalledWith('/inbox'));
    expect(exchanges()).toEqual([{ url: '/api/v1/auth/session', authorization: 'Bearer still-signed-in' }]);
  });

  it('a refused exchange (that sign-in was signed out of Parley) signs out of Firebase and shows the form, without an error', async () => {
    fakeAuth.currentUser = newUser('revoked');
    fetchMock.mockResolvedValueOnce(Response.json({ error: { code: 'unauthorized', message: 'Sign in to continue.' } }, { status: 401 }));
    render(<FirebaseAuthPanel config={config} google={false} mode="sign-in" next="/inbox" />);
    expect(await screen.findByLabelText('Email')).toBeTruthy();
    expect(sdk.signOut).toHaveBeenCalledWith(fakeAuth);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(router.replace).not.toHaveBeenCalled();
  });

  it('signs in with email and password, then exchanges the ID token', async () => {
    sdk.signInWithEmailAndPassword.mockImplementation(async () => void (fakeAuth.currentUser = newUser('fresh-token')));
    render(<FirebaseAuthPanel config={config} google={false} mode="sign-in" next="/dashboard" />);
    await screen.findByLabelText('Email');
    type('Email', 'Ada@Example.com');
    type('Password', 'analytical-engine');
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(router.replace).toHaveBeenCalledWith('/dashboard'));
    expect(sdk.signInWithEmailAndPassword).toHaveBeenCalledWith(fakeAuth, 'ada@example.com', 'analytical-engine');
    expect(exchanges()).toEqual([{ url: '/api/v1/auth/session', authorization: 'Bearer fresh-token' }]);
  });

  it('shows Firebase’s refusal in words, and exchanges nothing', async () => {
    sdk.signInWithEmailAndPassword.mockRejectedValue(Object.assign(new Error('Firebase: Error (auth/invalid-credential).'), { code: 'auth/invalid-credential' }));
    render(<FirebaseAuthPanel config={config} google={false} mode="sign-in" next="/dashboard" />);
    await screen.findByLabelText('Email');
    type('Email', 'ada@example.com');
    type('Password', 'wrong-password');
    fireEvent.click(await screen.findByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Incorrect email or password.');
    expect(fetchMock).not.toHaveBeenCalled();
    expect(router.replace).not.toHaveBeenCalled();
  });

  it('signs up: creates the Firebase account, names it, and exchanges a token that carries the name', async () => {
    const user = newUser('token-with-name');
    sdk.createUserWithEmailAndPassword.mockImplementation(async () => {
      fakeAuth.currentUser = user;
      return { user };
    });
    render(<FirebaseAuthPanel config={config} google={false} mode="sign-up" next="/dashboard" />);
    await screen.findByLabelText('Your name');
    type('Your name', 'Grace Hopper');
    type('Email', 'grace@example.com');
    type('Password', 'cobol-forever');
    fireEvent.click(await screen.findByRole('button', { name: 'Create account' }));
    await waitFor(() => expect(router.replace).toHaveBeenCalledWith('/dashboard'));
    expect(sdk.updateProfile).toHaveBeenCalledWith(user, { displayName: 'Grace Hopper' });
    expect(user.getIdToken).toHaveBeenCalledWith(true);
    expect(exchanges()).toEqual([{ url: '/api/v1/auth/session', authorization: 'Bearer token-with-name' }]);
  });

  it('signs in with Google through the pop-up; closing the pop-up is not an error', async () => {
    sdk.signInWithPopup.mockRejectedValueOnce(Object.assign(new Error('closed'), { code: 'auth/popup-closed-by-user' }));
    render(<FirebaseAuthPanel config={config} google mode="sign-in" next="/inbox" />);
    fireEvent.click(await screen.findByRole('button', { name: 'Continue with Google' }));
    await waitFor(() => expect(sdk.signInWithPopup).toHaveBeenCalledTimes(1));
    await waitFor(() => expect((screen.getByRole('button', { name: 'Continue with Google' }) as HTMLButtonElement).disabled).toBe(false));
    expect(screen.queryByRole('alert')).toBeNull();

    sdk.signInWithPopup.mockImplementationOnce(async () => void (fakeAuth.currentUser = newUser('google-token')));
    fireEvent.click(screen.getByRole('button', { name: 'Continue with Google' }));
    await waitFor(() => expect(router.replace).toHaveBeenCalledWith('/inbox'));
    expect(exchanges()).toEqual([{ url: '/api/v1/auth/session', authorization: 'Bearer google-token' }]);
  });
});
