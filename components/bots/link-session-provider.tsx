'use client';

import { createContext, useContext, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { createLinkSessionStore, type LinkActions, type LinkState, type LinkStore } from '@/lib/client/link-session-store';

const LinkStoreContext = createContext<LinkStore | null>(null);

/** Holds one link step's store; keyed by bot so switching bots never shows another bot's QR. */
export function LinkSessionProvider({ botId, children }: { botId: string; children: ReactNode }) {
  const [store] = useState(() => createLinkSessionStore(botId));
  return <LinkStoreContext.Provider value={store}>{children}</LinkStoreContext.Provider>;
}

export function useLinkStore(): LinkStore {
  const store = useContext(LinkStoreContext);
  if (!store) throw new Error('useLinkStore must be used inside <LinkSessionProvider>');
  return store;
}

export function useLinkSession<T>(selector: (s: LinkState & LinkActions) => T): T {
  return useStore(useLinkStore(), selector);
}
