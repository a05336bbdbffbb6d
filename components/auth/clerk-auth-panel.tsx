'use client';

import { ClerkAuthFlow } from './clerk-auth-flow';
import { ClerkProviderRoot } from './clerk-provider-root';

/** The sign-in / sign-up page's content with Clerk. */
export function ClerkAuthPanel({ publishableKey, mode, next }: { publishableKey: string; mode: 'sign-in' | 'sign-up'; next: string }) {
  return (
    <ClerkProviderRoot publishableKey={publishableKey}>
      <ClerkAuthFlow mode={mode} next={next} />
    </ClerkProviderRoot>
  );
}
