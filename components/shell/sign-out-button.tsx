'use client';

import { useRouter } from 'next/navigation';
import { useContext, useState } from 'react';
import { ProviderSessionContext } from '@/components/auth/provider-session-context';
import { apiRequest } from '@/lib/api/fetcher';

export function SignOutButton() {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [failed, setFailed] = useState(false);
  const provider = useContext(ProviderSessionContext);

  async function signOut() {
    setPending(true);
    setFailed(false);
    try {
      await apiRequest('POST', '/api/v1/auth/sign-out');
      // Clerk/Firebase too, or the sign-in page would sign straight back in. Parley has already
      // refused this provider sign-in, so a failure here does not leave the user signed in.
      await provider?.signOut().catch(() => undefined);
      router.replace('/sign-in');
      router.refresh();
    } catch {
      // Still signed in: say so rather than pretend.
      setPending(false);
      setFailed(true);
    }
  }

  return (
    <button type="button" className="button button--ghost" onClick={signOut} disabled={pending} title={failed ? 'Sign-out failed; try again' : undefined}>
      {pending ? 'Signing out…' : failed ? 'Retry sign out' : 'Sign out'}
    </button>
  );
}
