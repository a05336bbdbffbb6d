import Link from 'next/link';
import type { ReactNode } from 'react';
import { InboxNotifier } from '@/components/inbox/inbox-notifier';
import { ConnectionIndicator } from '@/components/realtime/connection-indicator';
import { MembershipSync } from './membership-sync';
import { SidebarNav } from './sidebar-nav';
import { SignOutButton } from './sign-out-button';
import { WorkspaceSwitcher } from './workspace-switcher';

interface AppShellProps {
  user: { name: string; email: string };
  /** Shows the phone simulator in the navigation (WHATSAPP_ENGINE=simulator). */
  simulator?: boolean;
  children: ReactNode;
}

/** The signed-in chrome. The workspaces come from WorkspaceProvider (set by the layout). */
export function AppShell({ user, simulator = false, children }: AppShellProps) {
  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="shell__header">
        <Link href="/dashboard" className="shell__brand">
          <span className="brand-mark" aria-hidden="true">P</span> Parley
        </Link>
        <WorkspaceSwitcher />
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
        <MembershipSync />
        {children}
      </main>
      <InboxNotifier />
    </div>
  );
}
