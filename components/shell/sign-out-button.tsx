'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { apiRequest } from '@/lib/api/fetcher';

export function SignOutButton() {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [failed, setFailed] = useState(false);

  async function signOut() {
    setPending(true);
    setFailed(false);
    try {
      await apiRequest('POST', '/api/v1/auth/sign-out');
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
