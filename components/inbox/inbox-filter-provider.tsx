'use client';

import { createContext, useContext, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { createInboxFilterStore, type InboxFilterActions, type InboxFilterStore } from '@/lib/client/inbox-filter-store';
import type { InboxFilter } from '@/lib/client/inbox-keys';

const InboxFilterContext = createContext<InboxFilterStore | null>(null);

export function InboxFilterProvider({ children }: { children: ReactNode }) {
  const [store] = useState(() => createInboxFilterStore());
  return <InboxFilterContext.Provider value={store}>{children}</InboxFilterContext.Provider>;
}

export function useInboxFilter<T>(selector: (s: { filter: InboxFilter } & InboxFilterActions) => T): T {
  const store = useContext(InboxFilterContext);
  if (!store) throw new Error('useInboxFilter must be used inside <InboxFilterProvider>');
  return useStore(store, selector);
}
