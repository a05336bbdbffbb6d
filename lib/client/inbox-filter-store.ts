import { createStore } from 'zustand/vanilla';
import { DEFAULT_FILTER, type AssigneeFilter, type InboxFilter, type StatusFilter } from './inbox-keys';

// The inbox's list filter. It lives in the inbox layout (one store per mounted inbox, never
// module-level), so opening another conversation keeps the list exactly as it was.

export interface InboxFilterActions {
  setAssignee(assignee: AssigneeFilter): void;
  setStatus(status: StatusFilter): void;
  setBot(botId: string | null): void;
  setQuery(q: string): void;
  reset(): void;
}

export type InboxFilterStore = ReturnType<typeof createInboxFilterStore>;

export function createInboxFilterStore(initial: InboxFilter = DEFAULT_FILTER) {
  return createStore<{ filter: InboxFilter } & InboxFilterActions>()((set) => {
    const patch = (p: Partial<InboxFilter>) => set((s) => ({ filter: { ...s.filter, ...p } }));
    return {
      filter: initial,
      setAssignee: (assignee) => patch({ assignee }),
      setStatus: (status) => patch({ status }),
      setBot: (botId) => patch({ botId }),
      setQuery: (q) => patch({ q }),
      reset: () => set({ filter: DEFAULT_FILTER }),
    };
  });
}
