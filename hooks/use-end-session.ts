'use client';

import { useRouter } from 'next/navigation';
import { useCallback } from 'react';
import { apiRequest } from '@/lib/api/fetcher';

/**
 * Ends the Parley session and goes to sign-in: for when the provider says the user is signed out
 * (signed out in another tab, session revoked at Clerk/Firebase), so Parley does not outlive it.
 */
export function useEndSession(): () => Promise<void> {
  const router = useRouter();
  return useCallback(async () => {
    // Best effort: the server may already consider the session gone.
    await apiRequest('POST', '/api/v1/auth/sign-out').catch(() => undefined);
    router.replace('/sign-in');
    router.refresh();
  }, [router]);
}
