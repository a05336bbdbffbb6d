import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { MembersSection } from '@/components/settings/members-section';
import { WorkspaceNameForm } from '@/components/settings/workspace-name-form';
import { currentWorkspace } from '@/lib/auth/current-principal';
import { canManage, ROLE_LABEL } from '@/lib/auth/roles';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const current = await currentWorkspace();
  if (!current) redirect('/sign-in');
  const { user } = current.account;
  // The workspace the header shows (switch there to manage another one).
  const workspace = current.active;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Settings</h1>
          <p>Your account and workspace.</p>
        </div>
      </div>
      <section className="card" aria-labelledby="account-heading">
        <h2 id="account-heading">Account</h2>
        <dl className="definition">
          <dt>Name</dt>
          <dd>{user.name}</dd>
          <dt>Email</dt>
          <dd>{user.email}</dd>
        </dl>
      </section>
      {workspace ? (
        <>
          <section className="card" aria-labelledby="workspace-heading">
            <h2 id="workspace-heading">Workspace</h2>
            <p className="muted">
              Your role: <strong data-testid="my-role">{ROLE_LABEL[workspace.role]}</strong>
            </p>
            {canManage(workspace.role) ? (
              <WorkspaceNameForm key={workspace.id} workspaceId={workspace.id} initialName={workspace.name} />
            ) : (
              <p>{workspace.name}</p>
            )}
          </section>
          <MembersSection key={workspace.id} workspaceId={workspace.id} workspaceName={workspace.name} myRole={workspace.role} meId={user.id} />
        </>
      ) : null}
    </>
  );
}
