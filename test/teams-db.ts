import { eq } from 'drizzle-orm';
import type { Principal } from '@/lib/auth/principal';
import type { DbHandle } from '@/lib/db';
import { memberships, users, workspaces, type MembershipRole } from '@/lib/db/schema';
import { listMemberships } from '@/lib/services/auth/list-memberships';

// Workspaces with members of every role, straight in the database, for the teams service tests.

let counter = 0;

export async function addUser(handle: DbHandle, name: string): Promise<{ id: string; email: string }> {
  counter += 1;
  const email = `${name.toLowerCase()}.${counter}.${Date.now()}@example.com`;
  const [u] = await handle.db.insert(users).values({ email, name }).returning();
  return { id: u!.id, email };
}

export async function addWorkspace(handle: DbHandle, name: string, members: Record<string, MembershipRole>): Promise<string> {
  const [ws] = await handle.db.insert(workspaces).values({ name }).returning();
  const rows = Object.entries(members).map(([userId, role]) => ({ workspaceId: ws!.id, userId, role }));
  if (rows.length) await handle.db.insert(memberships).values(rows);
  return ws!.id;
}

/** The principal REST would build for this user now (memberships read fresh). */
export async function principalFor(handle: DbHandle, userId: string): Promise<Principal> {
  return { userId, sessionId: `s-${userId}`, via: 'cookie', memberships: await listMemberships({ db: handle.db, userId }) };
}

export async function roleOf(handle: DbHandle, workspaceId: string, userId: string): Promise<MembershipRole | null> {
  const rows = await handle.db.select({ role: memberships.role, ws: memberships.workspaceId }).from(memberships).where(eq(memberships.userId, userId));
  return rows.find((r) => r.ws === workspaceId)?.role ?? null;
}

