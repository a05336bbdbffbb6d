'use client';

import Link from 'next/link';
import { useConnectionStatus } from '@/hooks/use-connection-status';
import type { ConnectionStatus } from '@/lib/realtime/connection-store';

const LABELS: Record<ConnectionStatus, { text: string; title: string }> = {
  connecting: { text: 'Connecting…', title: 'Opening the live connection' },
  connected: { text: 'Live', title: 'Connected: updates arrive instantly' },
  reconnecting: { text: 'Reconnecting…', title: 'Connection lost; retrying' },
  offline: { text: 'Offline — polling', title: 'No live connection: refreshing every few seconds and retrying in the background' },
  unauthorized: { text: 'Signed out', title: 'Your session ended; sign in again' },
};

export function ConnectionIndicator() {
  const { status } = useConnectionStatus();
  const label = LABELS[status];
  const content = (
    <>
      <span className="connection-indicator__dot" aria-hidden="true" />
      <span>{label.text}</span>
    </>
  );
  if (status === 'unauthorized') {
    return (
      <Link href="/sign-in" className="connection-indicator" data-status={status} title={label.title} role="status">
        {content}
      </Link>
    );
  }
  return (
    <span className="connection-indicator" data-status={status} title={label.title} role="status" aria-live="polite">
      {content}
    </span>
  );
}
