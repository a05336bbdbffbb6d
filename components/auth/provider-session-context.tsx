'use client';

import { createContext } from 'react';

/** The sign-in provider's side of signing out (Clerk/Firebase); absent with local sign-in. */
export interface ProviderSession {
  signOut(): Promise<void>;
}

export const ProviderSessionContext = createContext<ProviderSession | null>(null);
