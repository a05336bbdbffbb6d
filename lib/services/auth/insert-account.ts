import type { Db } from '@/lib/db';
import { memberships, users, workspaces } from '@/lib/db/schema';

export interface InsertedAccount {
  user: { id: string; email: string; name: string };
  workspace: { id: string; name: string };
}

/**
 * A new user and the personal workspace they own. Run inside the caller's transaction, so a
 * failure later in it (a lost race) leaves no orphan workspace behind.
 */
export async function insertAccount(tx: Db, opts: { email: string; name: string; passwordHash?: string | null }): Promise<InsertedAccount> {
  const [user] = await tx
    .insert(users)
    .values({ email: opts.email, name: opts.name, passwordHash: opts.passwordHash ?? null })
    .returning({ id: users.id, email: users.email, name: users.name });
  const [workspace] = await tx
    .insert(workspaces)
    .values({ name: `${opts.name.split(/\s+/)[0]}'s workspace` })
    .returning({ id: workspaces.id, name: workspaces.name });
  await tx.insert(memberships).values({ workspaceId: workspace!.id, userId: user!.id, role: 'owner' });
  return { user: user!, workspace: workspace! };
}
