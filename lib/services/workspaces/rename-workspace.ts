import { eq } from 'drizzle-orm';
import { roleIn, type Principal } from '@/lib/auth/principal';
import { getDb } from '@/lib/db';
import { workspaces } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { nowIso, rooms } from '@/lib/realtime/events';
import { publish } from '@/lib/realtime/publish';

export async function renameWorkspace(opts: { principal: Principal; workspaceId: string; name: string }): Promise<{ id: string; name: string }> {
  const role = roleIn(opts.principal, opts.workspaceId);
  // Not a member: indistinguishable from a workspace that does not exist.
  if (!role) throw new AppError('not_found', 'Workspace not found.');
  if (role === 'agent') throw new AppError('forbidden', 'Only owners and admins can rename the workspace.');

  const db = await getDb();
  const [row] = await db
    .update(workspaces)
    .set({ name: opts.name.trim(), updatedAt: new Date() })
    .where(eq(workspaces.id, opts.workspaceId))
    .returning({ id: workspaces.id, name: workspaces.name });
  if (!row) throw new AppError('not_found', 'Workspace not found.');

  // Persisted first, then every member's open tabs hear about it.
  publish(rooms.workspace(row.id), 'workspace_updated', { workspaceId: row.id, name: row.name, timestamp: nowIso() });
  return row;
}
