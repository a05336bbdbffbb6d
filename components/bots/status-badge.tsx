import type { SessionStatus } from '@/lib/realtime/events';

export const STATUS_LABEL: Record<SessionStatus, string> = {
  DISCONNECTED: 'Not linked',
  STARTING: 'Starting…',
  QR_REQUIRED: 'Waiting for a scan',
  CONNECTED: 'Connected',
  RECONNECTING: 'Reconnecting…',
  LOGGED_OUT: 'Logged out',
  ERROR: 'Error',
};

/** One WhatsApp session status, as words and colour (DESIGN section 2's values). */
export function StatusBadge({ status, testId }: { status: SessionStatus; testId?: string }) {
  return (
    <span className={`status-badge status-badge--${status.toLowerCase()}`} data-status={status} data-testid={testId}>
      {STATUS_LABEL[status]}
    </span>
  );
}
