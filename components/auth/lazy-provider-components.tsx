'use client';

import dynamic from 'next/dynamic';

// Clerk's and Firebase's UI are loaded only where their provider is active: a server component
// that merely imports a client component puts it in the page's bundle, even when not rendered.

const signInPlaceholder = () => (
  <p className="muted" role="status">
    Loading sign-in…
  </p>
);

export const LazyClerkAuthPanel = dynamic(() => import('./clerk-auth-panel').then((m) => m.ClerkAuthPanel), { loading: signInPlaceholder });
export const LazyFirebaseAuthPanel = dynamic(() => import('./firebase-auth-panel').then((m) => m.FirebaseAuthPanel), { loading: signInPlaceholder });
export const LazyClerkSessionBridge = dynamic(() => import('./clerk-session-bridge').then((m) => m.ClerkSessionBridge));
export const LazyFirebaseSessionBridge = dynamic(() => import('./firebase-session-bridge').then((m) => m.FirebaseSessionBridge));
