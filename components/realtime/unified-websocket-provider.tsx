'use client';

import { createContext, useEffect, useState, type ReactNode } from 'react';
import { ConnectionStore, type ConnectionStoreOptions } from '@/lib/realtime/connection-store';

export const ConnectionStoreContext = createContext<ConnectionStore | null>(null);

/**
 * Mounted once in the signed-in layout: the tab's single Socket.IO connection, kept across
 * client-side navigation. The store is created once per provider instance (never at module
 * level) and connected in an effect, so StrictMode and HMR do not open a second socket.
 */
export function UnifiedWebSocketProvider({ children, options }: { children: ReactNode; options?: ConnectionStoreOptions }) {
  const [store] = useState(() => new ConnectionStore(options));

  useEffect(() => {
    store.acquire();
    return () => store.release();
  }, [store]);

  return <ConnectionStoreContext.Provider value={store}>{children}</ConnectionStoreContext.Provider>;
}
