import type { ReactNode } from 'react';
import { InboxShell } from '@/components/inbox/inbox-shell';

// A layout, so the list pane stays mounted while conversations are opened one after another.
export default function InboxLayout({ children }: { children: ReactNode }) {
  return <InboxShell>{children}</InboxShell>;
}
