'use client';

import { createContext, useMemo, type ReactNode } from 'react';
import type { MembershipRole } from '@/lib/db/schema';

export interface WorkspaceSummary {
  id: string;
  name: string;
  role: MembershipRole;
}

export interface WorkspaceState {
  /** The workspace this tab shows (header switcher; remembered in a cookie). */
  active: WorkspaceSummary | null;
  /** Every workspace the user belongs to, oldest membership first. */
  workspaces: WorkspaceSummary[];
}

/** Null outside the signed-in layout (and in component tests that do not provide it). */
export const WorkspaceContext = createContext<WorkspaceState | null>(null);

/**
 * Hands the server's view of the user's workspaces to the client views. The signed-in layout
 * renders it again on `router.refresh()` (a switch, or a membership change), so roles and the
 * active workspace here are never older than the last server render.
 */
export function WorkspaceProvider({ active, workspaces, children }: WorkspaceState & { children: ReactNode }) {
  // Server props arrive as new objects on every render: keep the value stable while equal.
  const key = JSON.stringify({ active, workspaces });
  const value = useMemo(() => JSON.parse(key) as WorkspaceState, [key]);
  return <WorkspaceContext.Provider value={value}>{children}</WorkspaceContext.Provider>;
}
