'use client';

import type { ReactNode } from 'react';
import { ClerkProviderRoot } from './clerk-provider-root';
import { ClerkTokenBridge } from './clerk-token-bridge';

/** The signed-in area with Clerk: Clerk's provider around the socket that uses its tokens. */
export function ClerkSessionBridge({ publishableKey, children }: { publishableKey: string; children: ReactNode }) {
  return (
    <ClerkProviderRoot publishableKey={publishableKey}>
      <ClerkTokenBridge>{children}</ClerkTokenBridge>
    </ClerkProviderRoot>
  );
}
