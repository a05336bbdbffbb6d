import Link from 'next/link';
import type { ReactNode } from 'react';
import { InboxNotifier } from '@/components/inbox/inbox-notifier';
import { ConnectionIndicator } from '@/components/realtime/connection-indicator';
import { SidebarNav } from './sidebar-nav';
import { SignOutButton } from './sign-out-button';
import { WorkspaceName } from './workspace-name';

interface AppShellProps {
  user: { name: string; email: string };
  workspace: { id: string; name: string } | null;
  /** Shows the phone simulator in the navigation (WHATSAPP_ENGINE=simulator). */
  simulator?: boolean;
  children: ReactNode;
}

export function AppShell({ user, workspace, simulator = false, children }: AppShellProps) {
  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="shell__header">
        <Link href="/dashboard" className="shell__brand">
          <span className="brand-mark" aria-hidden="true">P</span> Parley
        </Link>
        {workspace ? <WorkspaceName workspaceId={workspace.id} initialName={workspace.name} /> : null}
        <span className="shell__spacer" />
        <ConnectionIndicator />
        <span className="shell__user" title={user.email}>
          {user.name}
        </span>
        <SignOutButton />
      </header>
      <nav className="shell__sidebar" aria-label="Main">
        <SidebarNav simulator={simulator} />
      </nav>
      <main id="main" className="shell__main">
        {children}
      </main>
      <InboxNotifier />
    </div>
  );
}
