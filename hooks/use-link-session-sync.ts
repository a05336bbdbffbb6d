'use client';

import { useEffect } from 'react';
import useSWR from 'swr';
import { useLinkSession, useLinkStore } from '@/components/bots/link-session-provider';
import { apiRequest } from '@/lib/api/fetcher';
import { onError, onPairingCode, onQr, onSnapshot, onStatus, WATCHING } from '@/lib/client/link-session-store';
import { AppError } from '@/lib/errors';
import type { SessionSnapshot } from '@/lib/realtime/events';
import { useConnectionStatus } from './use-connection-status';
import { QR_POLL_MS } from './use-fallback-interval';
import { useUnifiedWebSocket } from './use-unified-websocket';

/**
 * Keeps the link step's store in sync with the bot's WhatsApp session:
 * - watches `session:{botId}` only while a QR or pairing code is (about to be) on screen, and
 *   stops the moment it is not (success, expiry, failure, cancel, unmount);
 * - while the socket has been down for 10 s, polls the status endpoint every 5 s instead;
 * - returns `start(method, phone?)` and `cancel()` for the buttons.
 */
export function useLinkSessionSync() {
  const store = useLinkStore();
  const botId = useLinkSession((s) => s.botId);
  const watching = useLinkSession((s) => WATCHING.has(s.phase));
  const apply = store.getState().apply;

  const ws = useUnifiedWebSocket({
    onQRUpdated: (p) => apply(onQr(store.getState(), p)),
    onPairingCodeUpdated: (p) => apply(onPairingCode(store.getState(), p)),
    onConnectionUpdate: (p) => apply(onStatus(store.getState(), p)),
    onConnectionError: (p) => apply(onError(store.getState(), p)),
    onSessionSnapshot: (snap) => apply(onSnapshot(store.getState(), snap)),
  });
  const { subscribeSession, unsubscribeSession } = ws;

  useEffect(() => {
    if (!watching) return;
    // The snapshot closes the race with a QR emitted before we joined; errors surface as failures.
    subscribeSession(botId).catch((err: unknown) => {
      const e = err instanceof AppError ? err : new AppError('internal', 'Could not watch this bot.');
      store.getState().fail(e.code === 'forbidden' ? 'forbidden_role' : e.code, e.message);
    });
    return () => unsubscribeSession(botId);
  }, [watching, botId, subscribeSession, unsubscribeSession, store]);

  // The fallback: no key (so no request at all) unless the socket has been down for 10 s.
  const { status } = useConnectionStatus();
  const pollKey = watching && status === 'offline' ? `/api/v1/whatsapp/session-status/${botId}` : null;
  const { data: polled } = useSWR<SessionSnapshot>(pollKey, { refreshInterval: QR_POLL_MS, dedupingInterval: 1_000 });
  useEffect(() => {
    if (polled) apply(onSnapshot(store.getState(), polled));
  }, [polled, apply, store]);

  async function start(method: 'qr' | 'pairing_code', phoneNumber?: string) {
    store.getState().start(method);
    try {
      // Over the socket when it is up (the ack carries the snapshot); REST otherwise.
      const snap = ws.isConnected
        ? await ws.triggerWhatsAppConnection(botId, method, phoneNumber)
        : await apiRequest<SessionSnapshot>('POST', `/api/v1/bots/${botId}/connect`, phoneNumber ? { method, phoneNumber } : { method });
      apply(onSnapshot(store.getState(), snap));
    } catch (err) {
      const e = err instanceof AppError ? err : new AppError('internal', 'Could not start linking. Try again.');
      store.getState().fail(e.code === 'forbidden' ? 'forbidden_role' : e.code, e.message);
    }
  }

  /** Stops the attempt on the server too, so QR codes stop rotating for nobody. */
  async function cancel() {
    const wasWatching = WATCHING.has(store.getState().phase);
    store.getState().reset();
    if (!wasWatching) return;
    try {
      if (ws.isConnected) await ws.disconnectWhatsApp(botId);
      else await apiRequest('POST', `/api/v1/bots/${botId}/logout`);
    } catch {
      // Best effort: the QR expires on its own anyway.
    }
  }

  return { start, cancel };
}
