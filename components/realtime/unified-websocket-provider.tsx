'use client';

import { createContext, useEffect, useState, type ReactNode } from 'react';
import { SWRConfig, useSWRConfig } from 'swr';
import { createEtagFetcher } from '@/lib/api/etag-fetcher';
import { ConnectionStore, type ConnectionStoreOptions } from '@/lib/realtime/connection-store';
import { InboxCacheSync } from './inbox-cache-sync';
import { LiveCacheSync } from './live-cache-sync';

export const ConnectionStoreContext = createContext<ConnectionStore | null>(null);

interface ProviderProps {
  children: ReactNode;
  options?: ConnectionStoreOptions;
  /** SWR fetcher override (tests point it at another origin). Defaults to the ETag-aware fetcher. */
  fetcher?: (url: string) => Promise<unknown>;
}

/**
 * Mounted once in the signed-in layout: the tab's single Socket.IO connection, kept across
 * client-side navigation. The store is created once per provider instance (never at module
 * level) and connected in an effect, so StrictMode and HMR do not open a second socket.
 *
 * It also configures SWR for every view below it: live data arrives over the socket, so SWR
 * does not refetch on focus or on the browser's online event; instead every mounted key is
 * revalidated exactly once when the socket comes back, to catch up what was missed.
 */
export function UnifiedWebSocketProvider({ children, options, fetcher }: ProviderProps) {
  const [store] = useState(() => new ConnectionStore(options));
  const [defaultFetcher] = useState(() => createEtagFetcher());

  useEffect(() => {
    store.acquire();
    return () => store.release();
  }, [store]);

  return (
    <ConnectionStoreContext.Provider value={store}>
      <SWRConfig value={{ fetcher: fetcher ?? defaultFetcher, revalidateOnFocus: false, revalidateOnReconnect: false }}>
        <RevalidateOnReconnect store={store} />
        <LiveCacheSync />
        <InboxCacheSync />
        {children}
      </SWRConfig>
    </ConnectionStoreContext.Provider>
  );
}

function RevalidateOnReconnect({ store }: { store: ConnectionStore }) {
  const { mutate } = useSWRConfig();
  useEffect(
    () =>
      store.onConnect(({ reconnect, recovered }) => {
        // A recovered connection got every missed event replayed; anything else catches up by refetching.
        if (reconnect && !recovered) void mutate(() => true);
      }),
    [store, mutate],
  );
  return null;
}
