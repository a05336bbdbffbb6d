'use client';

import { useState } from 'react';
import { useInvites } from '@/hooks/use-invites';
import { apiRequest } from '@/lib/api/fetcher';
import { ROLE_LABEL } from '@/lib/auth/roles';
import { errorMessage } from '@/lib/errors';
import type { InviteView } from '@/lib/services/invites/views';

const formatDate = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });

/** Invitations not accepted yet, with revoke (the link stops working at once). */
export function PendingInvites({ workspaceId }: { workspaceId: string }) {
  const { data, error, mutate } = useInvites(workspaceId, true);
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  async function revoke(invite: InviteView) {
    setBusy(invite.id);
    setFailure(null);
    try {
      await apiRequest('DELETE', `/api/v1/workspaces/${workspaceId}/invites/${invite.id}`);
      await mutate((current) => current && { invites: current.invites.filter((i) => i.id !== invite.id) }, { revalidate: false });
    } catch (err) {
      setFailure(errorMessage(err, 'Could not revoke the invitation. Try again.'));
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="invites" aria-labelledby="pending-invites-heading">
      <h3 id="pending-invites-heading">Pending invitations</h3>
      {failure ? (
        <p className="alert alert--error" role="alert">
          {failure}
        </p>
      ) : null}
      {!data ? (
        error ? (
          <p className="alert alert--error" role="alert">
            {errorMessage(error, 'Could not load the invitations.')}{' '}
            <button type="button" className="button button--secondary" onClick={() => void mutate()}>
              Retry
            </button>
          </p>
        ) : (
          <p className="muted" role="status">
            Loading invitations…
          </p>
        )
      ) : data.invites.length === 0 ? (
        <p className="muted">No pending invitations.</p>
      ) : (
        <ul className="invites__list">
          {data.invites.map((invite) => (
            <li key={invite.id} className="invites__item" data-testid="pending-invite">
              <div>
                <strong>{invite.email}</strong> · {ROLE_LABEL[invite.role]}
                <div className="muted">
                  {invite.invitedBy ? `Invited by ${invite.invitedBy.name} · ` : ''}
                  {invite.expired ? <span className="field__error">Expired {formatDate(invite.expiresAt)}</span> : `Expires ${formatDate(invite.expiresAt)}`}
                </div>
              </div>
              <button
                type="button"
                className="button button--ghost"
                disabled={busy !== null}
                onClick={() => void revoke(invite)}
                aria-label={`Revoke the invitation for ${invite.email}`}
              >
                {busy === invite.id ? 'Revoking…' : 'Revoke'}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
