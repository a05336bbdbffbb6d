import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DbHandle, setDbHandle } from '@/lib/db';
import { bots, conversations, memberships } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { installRealtime, type MembershipChange } from '@/lib/realtime/publish';
import { recordingRealtime } from '@/test/recording-realtime';
import { addUser, addWorkspace, principalFor, roleOf } from '@/test/teams-db';
import { setupTestEnv } from '@/test/setup-env';
import { openTestDb, testDrivers } from '@/test/test-db';
import { changeMemberRole } from './change-member-role';
import { listMembers } from './list-members';
import { removeMember } from './remove-member';

// Role changes and removals: who may do what to whom, and that a workspace never loses its last
// owner, even when two owners demote each other at the same moment.

setupTestEnv();
const drivers = await testDrivers();

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (err) {
    if (err instanceof AppError) return err.status;
    throw err;
  }
}

describe.each(drivers)('members on %s', (driver) => {
  let handle: DbHandle;
  let cleanup: () => Promise<void>;
  const changes: MembershipChange[] = [];

  beforeAll(async () => {
    ({ handle, cleanup } = await openTestDb(driver));
    setDbHandle(handle);
    installRealtime(recordingRealtime({ changes }));
  });
  afterAll(async () => {
    installRealtime(undefined);
    await cleanup();
  });
  beforeEach(() => {
    changes.length = 0;
  });

  /** A fresh workspace per test: owner, admin, agent (and an outsider with their own). */
  async function team() {
    const owner = (await addUser(handle, 'Olivia')).id;
    const admin = (await addUser(handle, 'Adam')).id;
    const agent = (await addUser(handle, 'Agnes')).id;
    const outsider = (await addUser(handle, 'Oscar')).id;
    const ws = await addWorkspace(handle, 'Acme', { [owner]: 'owner', [admin]: 'admin', [agent]: 'agent' });
    await addWorkspace(handle, 'Elsewhere', { [outsider]: 'owner' });
    const as = (userId: string) => principalFor(handle, userId);
    return { owner, admin, agent, outsider, ws, as };
  }

  it('lists members with roles for any member, 404 for others', async () => {
    const t = await team();
    const { members } = await listMembers({ principal: await t.as(t.agent), workspaceId: t.ws });
    // One insert: same joinedAt, so compare as a set.
    expect(members.map((m) => `${m.userId}:${m.role}`).sort()).toEqual([`${t.owner}:owner`, `${t.admin}:admin`, `${t.agent}:agent`].sort());
    expect(await status(listMembers({ principal: await t.as(t.outsider), workspaceId: t.ws }))).toBe(404);
  });

  it.each([
    // actor, target, new role, expected status
    ['owner', 'agent', 'admin', 200],
    ['owner', 'admin', 'owner', 200],
    ['admin', 'agent', 'admin', 200],
    ['admin', 'admin', 'agent', 200],
    ['admin', 'agent', 'owner', 403],
    ['admin', 'owner', 'agent', 403],
    ['agent', 'agent', 'admin', 403],
    ['agent', 'admin', 'agent', 403],
    ['outsider', 'agent', 'admin', 404],
  ] as const)('%s changing a %s to %s → %i', async (actor, target, role, expected) => {
    const t = await team();
    const targetId = target === 'admin' ? t.admin : target === 'owner' ? t.owner : t.agent;
    expect(await status(changeMemberRole({ principal: await t.as(t[actor]), workspaceId: t.ws, userId: targetId, role }))).toBe(expected);
    expect(await roleOf(handle, t.ws, targetId)).toBe(expected === 200 ? role : target);
    expect(changes.length).toBe(expected === 200 ? 1 : 0);
  });

  it('never demotes the last owner; with two owners one may step down', async () => {
    const t = await team();
    const owner = await t.as(t.owner);
    expect(await status(changeMemberRole({ principal: owner, workspaceId: t.ws, userId: t.owner, role: 'admin' }))).toBe(409);
    await changeMemberRole({ principal: owner, workspaceId: t.ws, userId: t.admin, role: 'owner' });
    expect(await status(changeMemberRole({ principal: owner, workspaceId: t.ws, userId: t.owner, role: 'agent' }))).toBe(200);
    expect(changes.at(-1)).toMatchObject({ userId: t.owner, workspaceId: t.ws, role: 'agent', reason: 'role_changed' });
  });

  it('two owners demoting each other at once leave one owner (10 races)', async () => {
    for (let round = 0; round < 10; round++) {
      const t = await team();
      await changeMemberRole({ principal: await t.as(t.owner), workspaceId: t.ws, userId: t.admin, role: 'owner' });
      const [a, b] = [await t.as(t.owner), await t.as(t.admin)];
      const results = await Promise.all([
        status(changeMemberRole({ principal: a, workspaceId: t.ws, userId: t.admin, role: 'agent' })),
        status(changeMemberRole({ principal: b, workspaceId: t.ws, userId: t.owner, role: 'agent' })),
      ]);
      const roles = [await roleOf(handle, t.ws, t.owner), await roleOf(handle, t.ws, t.admin)];
      expect(roles.filter((r) => r === 'owner')).toHaveLength(1);
      // The loser finds either no owner rights left (403) or the last-owner rule (409).
      expect(results.filter((r) => r === 200)).toHaveLength(1);
    }
  });

  it.each([
    ['owner', 'admin', 204],
    ['owner', 'agent', 204],
    ['admin', 'agent', 204],
    ['admin', 'admin2', 204],
    ['admin', 'owner', 403],
    ['agent', 'admin', 403],
    ['outsider', 'agent', 404],
  ] as const)('%s removing a %s → %i', async (actor, target, expected) => {
    const t = await team();
    const admin2 = (await addUser(handle, 'Ada')).id;
    await handle.db.insert(memberships).values({ workspaceId: t.ws, userId: admin2, role: 'admin' });
    const targetId = { owner: t.owner, admin: t.admin, agent: t.agent, admin2 }[target];
    const roleBefore = (await roleOf(handle, t.ws, targetId))!;
    const got = await status(removeMember({ principal: await t.as(t[actor]), workspaceId: t.ws, userId: targetId }));
    expect(got === 200 ? 204 : got).toBe(expected);
    expect(await roleOf(handle, t.ws, targetId)).toBe(expected === 204 ? null : roleBefore);
  });

  it('any member may leave, except the last owner; their conversations go back to unassigned', async () => {
    const t = await team();
    const [bot] = await handle.db.insert(bots).values({ workspaceId: t.ws, name: 'Support' }).returning();
    const [conv] = await handle.db
      .insert(conversations)
      .values({ workspaceId: t.ws, botId: bot!.id, contactPhone: '4915100000001', assigneeId: t.agent })
      .returning();
    expect(await status(removeMember({ principal: await t.as(t.owner), workspaceId: t.ws, userId: t.owner }))).toBe(409);
    expect(await status(removeMember({ principal: await t.as(t.agent), workspaceId: t.ws, userId: t.agent }))).toBe(200);
    expect(changes).toEqual([{ userId: t.agent, workspaceId: t.ws, workspaceName: 'Acme', role: null, reason: 'left', botIds: [bot!.id] }]);
    const [after] = await handle.db.select().from(conversations).where(eq(conversations.id, conv!.id));
    expect(after!.assigneeId).toBeNull();
    // Gone means gone: a second removal is a 404.
    expect(await status(removeMember({ principal: await t.as(t.owner), workspaceId: t.ws, userId: t.agent }))).toBe(404);
  });
});
