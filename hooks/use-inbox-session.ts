'use client';

import useSWR from 'swr';
import { SESSION_KEY } from '@/lib/client/inbox-keys';

export interface InboxSession {
  user: { id: string; email: string; name: string };
  workspaces: { id: string; name: string; role: string }[];
}

/**
 * Who "me" is ("Mine", "Assign to me", "You"). Loaded once per tab: it does not change while the
 * tab lives, so it is not revalidated when another view mounts it.
 */
export function useInboxSession() {
  const { data, error } = useSWR<InboxSession>(SESSION_KEY, { revalidateIfStale: false });
  return { session: data, meId: data?.user.id ?? null, error };
}
