'use client';

import { useContext } from 'react';
import { WorkspaceContext, type WorkspaceState } from '@/components/shell/workspace-context';
import type { MembershipRole } from '@/lib/db/schema';

/** The user's workspaces and the active one (null outside the signed-in layout). */
export function useWorkspaces(): WorkspaceState | null {
  return useContext(WorkspaceContext);
}

/** The workspace this tab shows; null when unknown (lists then cover every workspace). */
export function useActiveWorkspaceId(): string | null {
  return useContext(WorkspaceContext)?.active?.id ?? null;
}

/** The user's role in a workspace, for hiding what they may not do (the server enforces it). */
export function useRoleIn(workspaceId: string | null | undefined): MembershipRole | undefined {
  const state = useContext(WorkspaceContext);
  if (!workspaceId) return undefined;
  return state?.workspaces.find((w) => w.id === workspaceId)?.role;
}
