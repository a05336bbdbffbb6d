import { eq } from 'drizzle-orm';
import type { Db } from '@/lib/db';
import { bots, workspaces, type MembershipRole } from '@/lib/db/schema';
import { nowIso, rooms } from '@/lib/realtime/events';
import { applyMembership, publish, type MembershipChange } from '@/lib/realtime/publish';

/**
 * After a membership change is committed: the user's sockets and SSE streams follow it at once
 * (lib/realtime/publish.ts → the realtime server), and the workspace's open member lists refetch. Looks up what the realtime server needs to
 * know about the workspace (its name for the notice, its bots' session rooms).
 */
export async function publishMembership(
  db: Db,
  change: { userId: string; workspaceId: string; role: MembershipRole | null; reason: MembershipChange['reason'] },
): Promise<void> {
  const [workspace] = await db.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.id, change.workspaceId));
  const botRows = await db.select({ id: bots.id }).from(bots).where(eq(bots.workspaceId, change.workspaceId));
  applyMembership({ ...change, workspaceName: workspace?.name ?? '', botIds: botRows.map((b) => b.id) });
  // After the move: a removed member is no longer in the room to hear about it.
  publish(rooms.workspace(change.workspaceId), 'members_changed', { workspaceId: change.workspaceId, timestamp: nowIso() });
}
