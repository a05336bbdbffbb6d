'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { apiRequest } from '@/lib/api/fetcher';
import { errorMessage } from '@/lib/errors';

/** For someone already in the workspace: switch to it and open the dashboard. */
export function OpenWorkspaceButton({ workspaceId, workspaceName }: { workspaceId: string; workspaceName: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function open() {
    setPending(true);
    setError(null);
    try {
      await apiRequest('POST', `/api/v1/workspaces/${workspaceId}/select`);
      router.replace('/dashboard');
      router.refresh();
    } catch (err) {
      setPending(false);
      setError(errorMessage(err, 'Could not open the workspace. Try again.'));
    }
  }

  return (
    <>
      {error ? (
        <p className="alert alert--error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="button" className="button button--block" onClick={() => void open()} disabled={pending}>
        {pending ? 'Opening…' : `Open ${workspaceName}`}
      </button>
    </>
  );
}
