'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { apiRequest } from '@/lib/api/fetcher';

/** Signs this browser out and comes back to the invitation through sign-in. */
export function SwitchAccountButton({ next }: { next: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);

  async function switchAccount() {
    setPending(true);
    // Best effort: an already-ended session still lands on sign-in.
    await apiRequest('POST', '/api/v1/auth/sign-out').catch(() => undefined);
    router.replace(`/sign-in?next=${encodeURIComponent(next)}`);
    router.refresh();
  }

  return (
    <button type="button" className="button button--secondary button--block" onClick={() => void switchAccount()} disabled={pending}>
      {pending ? 'Signing out…' : 'Sign out and use another account'}
    </button>
  );
}
