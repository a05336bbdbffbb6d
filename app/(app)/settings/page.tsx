import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { WorkspaceNameForm } from '@/components/settings/workspace-name-form';
import { currentAccount } from '@/lib/auth/current-principal';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const current = await currentAccount();
  if (!current) redirect('/sign-in');
  const { user, workspaces } = current.account;
  const workspace = workspaces[0];
  const canRename = workspace?.role === 'owner' || workspace?.role === 'admin';
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
        <section className="card" aria-labelledby="workspace-heading">
          <h2 id="workspace-heading">Workspace</h2>
          <p className="muted">
            Your role: <strong>{workspace.role}</strong>
          </p>
          {canRename ? (
            <WorkspaceNameForm workspaceId={workspace.id} initialName={workspace.name} />
          ) : (
            <p>{workspace.name}</p>
          )}
        </section>
      ) : null}
    </>
  );
}
