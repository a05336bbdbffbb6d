'use client';

import { useContext } from 'react';
import { ConnectionStoreContext } from '@/components/realtime/realtime-contexts';
import type { ConnectionStore } from '@/lib/realtime/connection-store';

export function useConnectionStore(): ConnectionStore {
  const store = useContext(ConnectionStoreContext);
  if (!store) throw new Error('useConnectionStore must be used inside <UnifiedWebSocketProvider>');
  return store;
}
