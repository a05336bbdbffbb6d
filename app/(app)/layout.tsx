import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { UnifiedWebSocketProvider } from '@/components/realtime/unified-websocket-provider';
import { AppShell } from '@/components/shell/app-shell';
import { currentPrincipal } from '@/lib/auth/current-principal';
import { getAccount } from '@/lib/services/auth/get-account';

// The signed-in area. The provider lives here so the tab's one socket survives navigation
// between dashboard, inbox and settings (this layout does not re-mount).
export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const principal = await currentPrincipal();
  if (!principal) redirect('/sign-in');
  const account = await getAccount({ principal });
  const workspace = account.workspaces[0];
  return (
    <UnifiedWebSocketProvider>
      <AppShell user={account.user} workspace={workspace ?? null}>
        {children}
      </AppShell>
    </UnifiedWebSocketProvider>
  );
}
