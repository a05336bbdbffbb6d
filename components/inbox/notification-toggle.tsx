'use client';

import { useNotificationPermission } from '@/hooks/use-inbox-notifications';

/** Asks for the browser's permission to notify about new messages while the tab is hidden. */
export function NotificationToggle() {
  const { permission, request } = useNotificationPermission();
  if (permission === 'granted') return <span className="muted">Notifications on</span>;
  if (permission === 'denied') return <span className="muted">Notifications are blocked in this browser</span>;
  if (permission === 'unsupported') return null;
  return (
    <button type="button" className="button button--secondary" onClick={() => void request()}>
      Notify me of new messages
    </button>
  );
}
