'use client';

import { useState } from 'react';
import { apiRequest } from '@/lib/api/fetcher';
import { assignableRoles, canRemove, ROLE_LABEL } from '@/lib/auth/roles';
import type { MembershipRole } from '@/lib/db/schema';
import { errorMessage } from '@/lib/errors';
import type { MemberView } from '@/lib/services/workspaces/list-members';

interface MemberRowProps {
  workspaceId: string;
  member: MemberView;
  myRole: MembershipRole;
  isMe: boolean;
  /** The only owner can be neither demoted nor removed: the controls say so instead of failing. */
  onlyOwner: boolean;
  onChanged: () => void;
  onRemove: (member: MemberView) => void;
}

/** One member: name and email, the role (a select when the caller may change it), remove or leave. */
export function MemberRow({ workspaceId, member, myRole, isMe, onlyOwner, onChanged, onRemove }: MemberRowProps) {
  const [role, setRole] = useState(member.role);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A pushed refetch (someone else changed it) wins over what this row last showed.
  const [shown, setShown] = useState(member.role);
  if (member.role !== shown) {
    setShown(member.role);
    setRole(member.role);
  }

  const options = onlyOwner ? [] : assignableRoles(myRole, member.role);
  const removable = !onlyOwner && (isMe || canRemove(myRole, member.role));
  const errorId = `member-${member.userId}-error`;

  async function change(next: MembershipRole) {
    setRole(next);
    setSaving(true);
    setError(null);
    try {
      await apiRequest('PATCH', `/api/v1/workspaces/${workspaceId}/members/${member.userId}`, { role: next });
      onChanged();
    } catch (err) {
      setRole(member.role);
      setError(errorMessage(err, 'Could not change the role. Try again.'));
    } finally {
      setSaving(false);
    }
  }

  return (
    <tr data-testid="member-row" data-user-id={member.userId}>
      <th scope="row">
        {member.name}
        {isMe ? <span className="muted"> (you)</span> : null}
        <div className="muted members__email">{member.email}</div>
      </th>
      <td>
        {options.length > 1 ? (
          <>
            <label className="visually-hidden" htmlFor={`role-${member.userId}`}>
              Role of {member.name}
            </label>
            <select
              id={`role-${member.userId}`}
              className="field__input members__role"
              value={role}
              disabled={saving}
              aria-describedby={error ? errorId : undefined}
              onChange={(e) => void change(e.target.value as MembershipRole)}
            >
              {options.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABEL[r]}
                </option>
              ))}
            </select>
          </>
        ) : (
          <span data-testid="member-role">
            {ROLE_LABEL[member.role]}
            {onlyOwner ? <span className="muted"> · the only owner</span> : null}
          </span>
        )}
        {error ? (
          <div id={errorId} className="field__error" role="alert">
            {error}
          </div>
        ) : null}
      </td>
      <td className="members__actions">
        {removable ? (
          <button type="button" className="button button--ghost" onClick={() => onRemove(member)} aria-label={isMe ? 'Leave workspace' : `Remove ${member.name}`}>
            {isMe ? 'Leave' : 'Remove'}
          </button>
        ) : null}
      </td>
    </tr>
  );
}
