'use client';

import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { ConnectInfo } from '@/lib/realtime/connection-store';
import type {
  BotDeletedPayload,
  BotStatusUpdatePayload,
  ConnectionErrorPayload,
  MessageSyncEvent,
  PairingCodeUpdatedPayload,
  QrCodeUpdatedPayload,
  ServerEventName,
  ServerEventPayload,
  SessionSnapshot,
  SessionStatusChangedPayload,
} from '@/lib/realtime/events';
import { useConnectionStatus } from './use-connection-status';
import { useConnectionStore } from './use-connection-store';

export type { MessageSyncEvent } from '@/lib/realtime/events';

/** DESIGN section 3's handler set, plus three additions named in the closing notes. */
export interface UnifiedWebSocketHandlers {
  /** `session_status_changed` with status CONNECTED. */
  onWhatsAppConnected?: (p: SessionStatusChangedPayload) => void;
  /** `session_status_changed` with status DISCONNECTED or LOGGED_OUT. */
  onWhatsAppDisconnected?: (p: SessionStatusChangedPayload) => void;
  /** `qr_code_updated`: a new QR ref to show (only while subscribed to the session). */
  onQRUpdated?: (p: QrCodeUpdatedPayload) => void;
  /** `session_status_changed` with status ERROR. */
  onConnectionFailed?: (p: SessionStatusChangedPayload) => void;
  /** `bot_status_update` for any bot in the caller's workspaces. */
  onBotStatusUpdate?: (p: BotStatusUpdatePayload) => void;
  /** Inbox traffic: `new_message`, `conversation_updated`, `message_status_updated`. */
  onMessageSync?: (e: MessageSyncEvent) => void;
  /** Every `session_status_changed`, whatever the status. */
  onConnectionUpdate?: (p: SessionStatusChangedPayload) => void;
  /** `connection_error` from a session, or a session (re)join that was refused. */
  onConnectionError?: (p: ConnectionErrorPayload) => void;
  /** The socket came back after being down (not called on the first connect). */
  onReconnect?: (info: ConnectInfo) => void;
  /** Addition: `pairing_code_updated`. */
  onPairingCodeUpdated?: (p: PairingCodeUpdatedPayload) => void;
  /** Addition: the snapshot each session (re)join answers with; after a reconnect it is the catch-up. */
  onSessionSnapshot?: (s: SessionSnapshot) => void;
  /** Addition: `bot_deleted`. */
  onBotDeleted?: (p: BotDeletedPayload) => void;
}

export interface UnifiedWebSocket {
  isConnected: boolean;
  transport: 'websocket' | 'polling' | null;
  subscribeSession: (botId: string) => Promise<SessionSnapshot>;
  unsubscribeSession: (botId: string) => void;
  triggerWhatsAppConnection: (botId: string, method?: 'qr' | 'pairing_code', phoneNumber?: string) => Promise<SessionSnapshot>;
  disconnectWhatsApp: (botId: string) => Promise<SessionSnapshot>;
}

/**
 * The tab's shared connection, for one view. Handlers live in a ref: passing new functions on
 * every render neither re-subscribes nor reconnects. Listeners are attached only for handlers
 * the caller passed, so a view that does not care about inbox traffic costs nothing per message.
 */
export function useUnifiedWebSocket(handlers: UnifiedWebSocketHandlers = {}): UnifiedWebSocket {
  const store = useConnectionStore();
  const { status, transport } = useConnectionStatus();
  const ref = useRef(handlers);
  useEffect(() => {
    ref.current = handlers;
  });

  // Which handler groups are present decides which listeners exist; the functions themselves don't.
  const wants = {
    status: !!(handlers.onWhatsAppConnected || handlers.onWhatsAppDisconnected || handlers.onConnectionFailed || handlers.onConnectionUpdate),
    qr: !!handlers.onQRUpdated,
    pairing: !!handlers.onPairingCodeUpdated,
    bot: !!handlers.onBotStatusUpdate,
    deleted: !!handlers.onBotDeleted,
    messages: !!handlers.onMessageSync,
    error: !!handlers.onConnectionError,
    reconnect: !!handlers.onReconnect,
    snapshot: !!handlers.onSessionSnapshot,
  };

  useEffect(() => {
    const s = store.socket;
    const offs: (() => void)[] = [];
    const raw = s as unknown as { on(ev: string, fn: (p: never) => void): void; off(ev: string, fn: (p: never) => void): void };
    const listen = <E extends ServerEventName>(event: E, fn: (p: ServerEventPayload<E>) => void) => {
      raw.on(event, fn);
      offs.push(() => raw.off(event, fn));
    };
    if (wants.status) {
      listen('session_status_changed', (p) => {
        const h = ref.current;
        h.onConnectionUpdate?.(p);
        if (p.status === 'CONNECTED') h.onWhatsAppConnected?.(p);
        else if (p.status === 'DISCONNECTED' || p.status === 'LOGGED_OUT') h.onWhatsAppDisconnected?.(p);
        else if (p.status === 'ERROR') h.onConnectionFailed?.(p);
      });
    }
    if (wants.qr) listen('qr_code_updated', (p) => ref.current.onQRUpdated?.(p));
    if (wants.pairing) listen('pairing_code_updated', (p) => ref.current.onPairingCodeUpdated?.(p));
    if (wants.bot) listen('bot_status_update', (p) => ref.current.onBotStatusUpdate?.(p));
    if (wants.deleted) listen('bot_deleted', (p) => ref.current.onBotDeleted?.(p));
    if (wants.messages) {
      listen('new_message', (payload) => ref.current.onMessageSync?.({ type: 'new_message', payload }));
      listen('conversation_updated', (payload) => ref.current.onMessageSync?.({ type: 'conversation_updated', payload }));
      listen('message_status_updated', (payload) => ref.current.onMessageSync?.({ type: 'message_status_updated', payload }));
    }
    if (wants.error) {
      listen('connection_error', (p) => ref.current.onConnectionError?.(p));
      offs.push(store.onSessionError((p) => ref.current.onConnectionError?.(p)));
    }
    if (wants.reconnect) {
      offs.push(
        store.onConnect((info) => {
          if (info.reconnect) ref.current.onReconnect?.(info);
        }),
      );
    }
    if (wants.snapshot) offs.push(store.onSessionSnapshot((snap) => ref.current.onSessionSnapshot?.(snap)));
    return () => {
      for (const off of offs) off();
    };
  }, [store, wants.status, wants.qr, wants.pairing, wants.bot, wants.deleted, wants.messages, wants.error, wants.reconnect, wants.snapshot]);

  const subscribeSession = useCallback((botId: string) => store.subscribeSession(botId), [store]);
  const unsubscribeSession = useCallback((botId: string) => store.unsubscribeSession(botId), [store]);
  const triggerWhatsAppConnection = useCallback(
    (botId: string, method: 'qr' | 'pairing_code' = 'qr', phoneNumber?: string) =>
      store.request('trigger_whatsapp_connection', phoneNumber ? { botId, method, phoneNumber } : { botId, method }),
    [store],
  );
  const disconnectWhatsApp = useCallback((botId: string) => store.request('disconnect_whatsapp', { botId }), [store]);

  return useMemo(
    () => ({
      isConnected: status === 'connected',
      transport,
      subscribeSession,
      unsubscribeSession,
      triggerWhatsAppConnection,
      disconnectWhatsApp,
    }),
    [status, transport, subscribeSession, unsubscribeSession, triggerWhatsAppConnection, disconnectWhatsApp],
  );
}
