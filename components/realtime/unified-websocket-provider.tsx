'use client';

import { useEffect, useState, type ReactNode } from 'react';
import { SWRConfig, useSWRConfig } from 'swr';
import { createEtagFetcher } from '@/lib/api/etag-fetcher';
import { createPushReplay } from '@/lib/client/push-replay';
import { ConnectionStore, type ConnectionStoreOptions } from '@/lib/realtime/connection-store';
import { InboxCacheSync } from './inbox-cache-sync';
import { LiveCacheSync } from './live-cache-sync';
import { ConnectionStoreContext, PushReplayContext } from './realtime-contexts';


interface ProviderProps {
  children: ReactNode;
  options?: ConnectionStoreOptions;
  /** SWR fetcher override (tests point it at another origin). Defaults to the ETag-aware fetcher. */
  fetcher?: (url: string) => Promise<unknown>;
}

/** How long a page's first reads wait for the socket before reading without it. */
const FIRST_READ_WAIT_MS = 1_500;

/** Reads the server made before the socket first joined its rooms: key → server time (ms). */
type EarlyReads = Map<string, number> & { joined?: boolean };

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
  const [early] = useState<EarlyReads>(() => new Map());
  const [replay] = useState(createPushReplay);
  const [defaultFetcher] = useState(() => {
    const etagFetcher = createEtagFetcher({
      onRead: (url, at) => {
        replay.noteRead(url, at);
        if (!early.joined) early.set(url, at);
      },
    });
    // A page's first reads wait (briefly) for the socket to be in its rooms, so what is pushed
    // after the read is never missed and nothing needs reading twice.
    return async (url: string) => {
      await store.whenJoined(FIRST_READ_WAIT_MS);
      return etagFetcher(url);
    };
  });

  useEffect(() => {
    store.acquire();
    return () => store.release();
  }, [store]);

  return (
    <ConnectionStoreContext.Provider value={store}>
      <PushReplayContext.Provider value={replay}>
      <SWRConfig value={{ fetcher: fetcher ?? defaultFetcher, revalidateOnFocus: false, revalidateOnReconnect: false }}>
        <RevalidateOnReconnect store={store} />
        <CatchUpOnJoin store={store} early={early} />
        <LiveCacheSync />
        <InboxCacheSync />
        {children}
      </SWRConfig>
      </PushReplayContext.Provider>
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

/**
 * A page's first reads race its socket: a message pushed after the server read a list but before
 * the socket joined the workspace room reaches neither. Reads normally wait for the join; those
 * that did not (the socket was slow past FIRST_READ_WAIT_MS) and were read no later than the join
 * are fetched again when it happens.
 */
function CatchUpOnJoin({ store, early }: { store: ConnectionStore; early: EarlyReads }) {
  const { mutate, cache } = useSWRConfig();
  useEffect(
    () =>
      store.onJoined(({ joinedAt, first }) => {
        if (!first || early.joined) return;
        early.joined = true;
        const stale = new Set([...early].filter(([, at]) => at <= joinedAt).map(([url]) => url));
        early.clear();
        if (stale.size === 0) return;
        void mutate((key) => typeof key === 'string' && stale.has(key));
        // useSWRInfinite lists live under "$inf$" + their first page's key, which filters skip.
        for (const url of stale) if (cache.get(`$inf$${url}`)) void mutate(`$inf$${url}`);
      }),
    [store, early, mutate, cache],
  );
  return null;
}
