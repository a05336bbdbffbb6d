'use client';

import { useCallback } from 'react';
import useSWR from 'swr';
import { membersKey } from '@/lib/client/inbox-keys';

export interface WorkspaceMember {
  userId: string;
  name: string;
  email: string;
  role: string;
}

/** A workspace's members, for assignee and agent names. Loaded once per workspace and tab. */
export function useInboxMembers(workspaceId: string | null | undefined) {
  const { data } = useSWR<{ members: WorkspaceMember[] }>(workspaceId ? membersKey(workspaceId) : null, { revalidateIfStale: false });
  const members = data?.members;
  const nameOf = useCallback((userId: string | null | undefined): string | null => {
    if (!userId) return null;
    return members?.find((m) => m.userId === userId)?.name ?? null;
  }, [members]);
  return { members, nameOf };
}
