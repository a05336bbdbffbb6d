'use client';

import { useConnectionStatus } from './use-connection-status';

/** Slow polling for dashboard and inbox lists (DESIGN section 3). */
export const LIST_POLL_MS = 30_000;
/** QR codes rotate every ~20 s, so the QR step polls faster. */
export const QR_POLL_MS = 5_000;

/**
 * SWR's `refreshInterval` for a view that needs live data: 0 (no polling at all) while the
 * socket is up or only briefly down, `ms` once it has been down for OFFLINE_AFTER_MS. Polling
 * stops the moment the socket is back.
 */
export function useFallbackInterval(ms: number): number {
  const { status } = useConnectionStatus();
  return status === 'offline' ? ms : 0;
}
