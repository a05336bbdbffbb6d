'use client';

import { ClerkProvider } from '@clerk/nextjs';
import type { ReactNode } from 'react';

/**
 * Clerk's provider, only ever rendered when AUTH_PROVIDER=clerk (loaded lazily, so other modes never
 * download Clerk). The publishable key comes from the server at request time, not from the build.
 */
export function ClerkProviderRoot({ publishableKey, children }: { publishableKey: string; children: ReactNode }) {
  return (
    <ClerkProvider publishableKey={publishableKey} signInUrl="/sign-in" signUpUrl="/sign-up" afterSignOutUrl="/sign-in">
      {children}
    </ClerkProvider>
  );
}
