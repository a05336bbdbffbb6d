'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { apiRequest } from '@/lib/api/fetcher';
import { errorMessage } from '@/lib/errors';

/** Joins the workspace (the server also selects it), then opens its inbox. */
export function AcceptInviteButton({ token, workspaceName }: { token: string; workspaceName: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function accept() {
    setPending(true);
    setError(null);
    try {
      await apiRequest('POST', '/api/v1/invites/accept', { token });
      router.replace('/inbox');
      router.refresh();
    } catch (err) {
      setPending(false);
      setError(errorMessage(err, 'Could not accept the invitation. Try again.'));
    }
  }

  return (
    <div className="invite-accept">
      {error ? (
        <p className="alert alert--error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="button" className="button button--block" onClick={() => void accept()} disabled={pending} autoFocus>
        {pending ? 'Joining…' : `Accept and join ${workspaceName}`}
      </button>
    </div>
  );
}
