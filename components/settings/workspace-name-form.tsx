'use client';

import { useState, type FormEvent } from 'react';
import { TextField } from '@/components/ui/text-field';
import { apiRequest, fieldErrors } from '@/lib/api/fetcher';
import { AppError } from '@/lib/errors';

export function WorkspaceNameForm({ workspaceId, initialName }: { workspaceId: string; initialName: string }) {
  const [name, setName] = useState(initialName);
  const [saved, setSaved] = useState(initialName);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [done, setDone] = useState(false);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setError(null);
    setDone(false);
    try {
      const result = await apiRequest<{ name: string }>('PATCH', `/api/v1/workspaces/${workspaceId}`, { name });
      setSaved(result.name);
      setName(result.name);
      setDone(true);
    } catch (err) {
      setError(fieldErrors(err).name ?? (err instanceof AppError ? err.message : 'Could not save. Try again.'));
    } finally {
      setPending(false);
    }
  }

  const unchanged = name.trim() === saved;
  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      <TextField
        label="Workspace name"
        name="name"
        value={name}
        maxLength={80}
        onChange={(e) => {
          setName(e.target.value);
          setDone(false);
        }}
        error={error ?? undefined}
      />
      <div>
        <button className="button" type="submit" disabled={pending || unchanged}>
          {pending ? 'Saving…' : 'Save'}
        </button>
        {done ? (
          <span role="status" className="muted" style={{ marginLeft: '0.75rem' }}>
            Saved. Everyone in the workspace sees the new name.
          </span>
        ) : null}
      </div>
    </form>
  );
}
