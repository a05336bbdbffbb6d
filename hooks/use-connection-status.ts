'use client';

import { useSyncExternalStore } from 'react';
import type { ConnectionSnapshot } from '@/lib/realtime/connection-store';
import { useConnectionStore } from './use-connection-store';

const SERVER_SNAPSHOT: ConnectionSnapshot = { status: 'connecting', transport: null, connectCount: 0 };

export function useConnectionStatus(): ConnectionSnapshot {
  const store = useConnectionStore();
  return useSyncExternalStore(store.subscribe, store.getSnapshot, () => SERVER_SNAPSHOT);
}
