import { eq } from 'drizzle-orm';
import type { Principal } from '@/lib/auth/principal';
import { requireMember } from '@/lib/auth/require-role';
import { getDb } from '@/lib/db';
import { workspaces, type MembershipRole } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';

/** The workspace the caller switches to (members only); the route remembers it in a cookie. */
export async function selectWorkspace(opts: { principal: Principal; workspaceId: string }): Promise<{ id: string; name: string; role: MembershipRole }> {
  const role = requireMember(opts.principal, opts.workspaceId);
  const db = await getDb();
  const [row] = await db.select({ id: workspaces.id, name: workspaces.name }).from(workspaces).where(eq(workspaces.id, opts.workspaceId));
  if (!row) throw new AppError('not_found', 'Workspace not found.');
  return { ...row, role };
}
