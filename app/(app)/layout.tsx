import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { LazyClerkSessionBridge, LazyFirebaseSessionBridge } from '@/components/auth/lazy-provider-components';
import { UnifiedWebSocketProvider } from '@/components/realtime/unified-websocket-provider';
import { AppShell } from '@/components/shell/app-shell';
import { WorkspaceProvider } from '@/components/shell/workspace-context';
import { clientAuthConfig } from '@/lib/auth/client-auth-config';
import { currentWorkspace } from '@/lib/auth/current-principal';
import { env } from '@/lib/env';
import { issueToken } from '@/lib/services/auth/issue-token';

// The signed-in area. The provider lives here so the tab's one socket survives navigation
// between dashboard, inbox and settings (this layout does not re-mount).
export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const current = await currentWorkspace();
  if (!current) redirect('/sign-in');
  const { account, principal, active } = current;
  // Rendered again on router.refresh() (a switch, a membership change): roles stay current.
  const shell = (
    <WorkspaceProvider active={active} workspaces={account.workspaces}>
      <AppShell user={account.user} simulator={env().WHATSAPP_ENGINE === 'simulator'}>
        {children}
      </AppShell>
    </WorkspaceProvider>
  );

  // Clerk and Firebase: the socket presents their tokens, which only the browser SDK can refresh.
  const auth = clientAuthConfig();
  if (auth.provider === 'clerk') return <LazyClerkSessionBridge publishableKey={auth.publishableKey}>{shell}</LazyClerkSessionBridge>;
  if (auth.provider === 'firebase') return <LazyFirebaseSessionBridge config={auth.firebase}>{shell}</LazyFirebaseSessionBridge>;

  // Issued with the page, so the socket's first handshake needs no extra round trip; the
  // provider refreshes it in-band before it expires.
  const { token, expiresAt } = await issueToken({ principal });
  return <UnifiedWebSocketProvider options={{ initialToken: { token, expiresAt: expiresAt.toISOString() } }}>{shell}</UnifiedWebSocketProvider>;
}
