'use client';

import { useState, type FormEvent } from 'react';
import { SelectField } from '@/components/ui/select-field';
import { TextField } from '@/components/ui/text-field';
import { apiRequest, fieldErrors } from '@/lib/api/fetcher';
import { errorMessage } from '@/lib/errors';
import type { InviteView } from '@/lib/services/invites/views';
import { InviteLink } from './invite-link';

interface Created {
  invite: InviteView;
  path: string;
}

/** Invite by email and role; the answer is a link to hand over (shown once, copyable). */
export function InviteForm({ workspaceId, onCreated }: { workspaceId: string; onCreated: () => void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<'agent' | 'admin'>('agent');
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ url: string; email: string; expiresAt: string } | null>(null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setErrors({});
    setFormError(null);
    try {
      const res = await apiRequest<Created>('POST', `/api/v1/workspaces/${workspaceId}/invites`, { email, role });
      setCreated({ url: new URL(res.path, window.location.origin).toString(), email: res.invite.email, expiresAt: res.invite.expiresAt });
      setEmail('');
      onCreated();
    } catch (err) {
      const fields = fieldErrors(err);
      if (Object.keys(fields).length > 0) setErrors(fields);
      else setFormError(errorMessage(err, 'Could not create the invitation. Try again.'));
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="invite">
      <h3>Invite someone</h3>
      <form className="form invite__form" onSubmit={onSubmit} noValidate>
        {formError ? (
          <div className="alert alert--error" role="alert">
            {formError}
          </div>
        ) : null}
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="off"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.email}
          hint="They accept with an account that uses this address."
        />
        <SelectField label="Role" name="role" value={role} onChange={(e) => setRole(e.target.value as 'agent' | 'admin')} error={errors.role}>
          <option value="agent">Agent — reads bots, answers conversations</option>
          <option value="admin">Admin — also manages bots and members</option>
        </SelectField>
        <div>
          <button className="button" type="submit" disabled={pending}>
            {pending ? 'Creating link…' : 'Create invite link'}
          </button>
        </div>
      </form>
      {created ? <InviteLink {...created} /> : null}
    </div>
  );
}
