'use client';

import { useEffect, useRef } from 'react';
import type { ServerEventName, ServerEventPayload } from '@/lib/realtime/events';
import { useConnectionStore } from './use-connection-store';

/**
 * Listens to one server event on the shared socket. The handler lives in a ref, so a new
 * handler each render neither re-subscribes nor touches the connection.
 */
export function useSocketEvent<E extends ServerEventName>(event: E, handler: (payload: ServerEventPayload<E>) => void): void {
  const store = useConnectionStore();
  const handlerRef = useRef(handler);
  useEffect(() => {
    handlerRef.current = handler;
  });

  useEffect(() => {
    const listener = (payload: ServerEventPayload<E>) => handlerRef.current(payload);
    const socket = store.socket as unknown as {
      on(ev: string, fn: (p: ServerEventPayload<E>) => void): void;
      off(ev: string, fn: (p: ServerEventPayload<E>) => void): void;
    };
    socket.on(event, listener);
    return () => socket.off(event, listener);
  }, [store, event]);
}
