import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashInviteToken } from '@/lib/auth/invite-token';
import { type DbHandle, setDbHandle } from '@/lib/db';
import { bots, invites } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { installRealtime, type MembershipChange } from '@/lib/realtime/publish';
import { recordingRealtime } from '@/test/recording-realtime';
import { addUser, addWorkspace, principalFor, roleOf } from '@/test/teams-db';
import { setupTestEnv } from '@/test/setup-env';
import { openTestDb, testDrivers } from '@/test/test-db';
import { acceptInvite } from './accept-invite';
import { createInvite } from './create-invite';
import { getInvitePreview } from './get-invite-preview';
import { listInvites } from './list-invites';
import { revokeInvite } from './revoke-invite';

// The invitation lifecycle on both databases: links are single use, expire, can be withdrawn,
// work only for the invited address, and two accepts racing for one link let exactly one in.

setupTestEnv({ INVITE_TTL_DAYS: '7' });
const drivers = await testDrivers();

async function failure(p: Promise<unknown>): Promise<{ status: number; reason?: string; message: string } | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { status: err.status, reason: (err.details as { reason?: string } | undefined)?.reason, message: err.message };
  }
}

describe.each(drivers)('invitations on %s', (driver) => {
  let handle: DbHandle;
  let cleanup: () => Promise<void>;
  const changes: MembershipChange[] = [];
  let owner: { id: string; email: string };
  let admin: { id: string; email: string };
  let agent: { id: string; email: string };
  let outsider: { id: string; email: string };
  let ws = '';
  let botId = '';

  beforeAll(async () => {
    ({ handle, cleanup } = await openTestDb(driver));
    setDbHandle(handle);
    installRealtime(recordingRealtime({ changes }));
    owner = await addUser(handle, 'Olivia');
    admin = await addUser(handle, 'Adam');
    agent = await addUser(handle, 'Agnes');
    outsider = await addUser(handle, 'Oscar');
    ws = await addWorkspace(handle, 'Acme', { [owner.id]: 'owner', [admin.id]: 'admin', [agent.id]: 'agent' });
    await addWorkspace(handle, 'Oscar’s', { [outsider.id]: 'owner' });
    const [bot] = await handle.db.insert(bots).values({ workspaceId: ws, name: 'Support' }).returning();
    botId = bot!.id;
  });
  afterAll(async () => {
    installRealtime(undefined);
    await cleanup();
  });
  beforeEach(() => {
    changes.length = 0;
  });

  async function invite(email: string, role: 'admin' | 'agent' = 'agent', by = owner.id) {
    return createInvite({ principal: await principalFor(handle, by), workspaceId: ws, input: { email, role } });
  }

  it('lets the invited address in once, with the invited role, and moves its live connections', async () => {
    const newcomer = await addUser(handle, 'Nina');
    const { token, invite: view } = await invite(newcomer.email.toUpperCase(), 'admin');
    expect(view).toMatchObject({ email: newcomer.email, role: 'admin', expired: false, invitedBy: { userId: owner.id, name: 'Olivia' } });
    expect(Date.parse(view.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    // Only the hash is stored.
    const [row] = await handle.db.select().from(invites).where(eq(invites.id, view.id));
    expect(row!.tokenHash).toBe(hashInviteToken(token));
    expect(JSON.stringify(row)).not.toContain(token);

    expect(await getInvitePreview({ token })).toMatchObject({ problem: null, workspaceName: 'Acme', inviterName: 'Olivia', email: newcomer.email, role: 'admin' });
    const result = await acceptInvite({ principal: await principalFor(handle, newcomer.id), token });
    expect(result).toEqual({ workspace: { id: ws, name: 'Acme' }, role: 'admin' });
    expect(await roleOf(handle, ws, newcomer.id)).toBe('admin');
    expect(changes).toEqual([{ userId: newcomer.id, workspaceId: ws, workspaceName: 'Acme', role: 'admin', reason: 'added', botIds: [botId] }]);

    // Used: a second accept (even by the same person) and the preview say so.
    expect(await failure(acceptInvite({ principal: await principalFor(handle, newcomer.id), token }))).toMatchObject({ status: 409 });
    expect((await getInvitePreview({ token }))?.problem).toBe('used');
    expect((await listInvites({ principal: await principalFor(handle, owner.id), workspaceId: ws })).invites.map((i) => i.id)).not.toContain(view.id);
  });

  it('refuses an expired link with 410 and adds nobody', async () => {
    const late = await addUser(handle, 'Lars');
    const { token, invite: view } = await invite(late.email);
    await handle.db.update(invites).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invites.id, view.id));
    expect((await listInvites({ principal: await principalFor(handle, admin.id), workspaceId: ws })).invites.find((i) => i.id === view.id)?.expired).toBe(true);
    expect(await failure(acceptInvite({ principal: await principalFor(handle, late.id), token }))).toMatchObject({ status: 410, reason: 'expired' });
    expect(await roleOf(handle, ws, late.id)).toBeNull();
    expect(changes).toEqual([]);
  });

  it('refuses a revoked link with 410; revoking twice is fine, an accepted one cannot be revoked', async () => {
    const rita = await addUser(handle, 'Rita');
    const { token, invite: view } = await invite(rita.email);
    const adminP = await principalFor(handle, admin.id);
    await revokeInvite({ principal: adminP, workspaceId: ws, inviteId: view.id });
    await revokeInvite({ principal: adminP, workspaceId: ws, inviteId: view.id });
    expect(await failure(acceptInvite({ principal: await principalFor(handle, rita.id), token }))).toMatchObject({ status: 410, reason: 'revoked' });
    expect((await getInvitePreview({ token }))?.problem).toBe('revoked');

    const ok = await invite(rita.email);
    await acceptInvite({ principal: await principalFor(handle, rita.id), token: ok.token });
    expect(await failure(revokeInvite({ principal: adminP, workspaceId: ws, inviteId: ok.invite.id }))).toMatchObject({ status: 409 });
  });

  it('binds the link to its address: another account gets 403 and the link still works for the right one', async () => {
    const wanted = await addUser(handle, 'Wanda');
    const { token } = await invite(wanted.email);
    const wrong = await failure(acceptInvite({ principal: await principalFor(handle, outsider.id), token }));
    expect(wrong).toMatchObject({ status: 403, reason: 'wrong_account' });
    expect((wrong as { message: string }).message).toContain(wanted.email);
    expect(await roleOf(handle, ws, outsider.id)).toBeNull();
    expect(await failure(acceptInvite({ principal: await principalFor(handle, wanted.id), token }))).toBe('ok');
  });

  it('answers 404 for a token that matches nothing, malformed or not', async () => {
    const p = await principalFor(handle, outsider.id);
    expect(await failure(acceptInvite({ principal: p, token: 'nope' }))).toMatchObject({ status: 404, reason: 'invalid' });
    expect(await failure(acceptInvite({ principal: p, token: 'A'.repeat(43) }))).toMatchObject({ status: 404, reason: 'invalid' });
    expect(await getInvitePreview({ token: 'A'.repeat(43) })).toBeNull();
  });

  it('re-inviting an address replaces its pending link; members cannot be invited', async () => {
    const rob = await addUser(handle, 'Rob');
    const first = await invite(rob.email);
    const second = await invite(rob.email, 'admin');
    expect((await getInvitePreview({ token: first.token }))?.problem).toBe('revoked');
    const pending = (await listInvites({ principal: await principalFor(handle, owner.id), workspaceId: ws })).invites.filter((i) => i.email === rob.email);
    expect(pending.map((i) => i.id)).toEqual([second.invite.id]);
    expect(await failure(invite(agent.email))).toMatchObject({ status: 409 });
  });

  it('only owners and admins invite, list and revoke; other workspaces get 404', async () => {
    const target = (await addUser(handle, 'Tom')).email;
    const { invite: view } = await invite(target);
    const agentP = await principalFor(handle, agent.id);
    const outsiderP = await principalFor(handle, outsider.id);
    expect(await failure(createInvite({ principal: agentP, workspaceId: ws, input: { email: 'x@example.com', role: 'agent' } }))).toMatchObject({ status: 403 });
    expect(await failure(listInvites({ principal: agentP, workspaceId: ws }))).toMatchObject({ status: 403 });
    expect(await failure(revokeInvite({ principal: agentP, workspaceId: ws, inviteId: view.id }))).toMatchObject({ status: 403 });
    expect(await failure(createInvite({ principal: outsiderP, workspaceId: ws, input: { email: 'x@example.com', role: 'agent' } }))).toMatchObject({ status: 404 });
    expect(await failure(listInvites({ principal: outsiderP, workspaceId: ws }))).toMatchObject({ status: 404 });
    expect(await failure(revokeInvite({ principal: outsiderP, workspaceId: ws, inviteId: view.id }))).toMatchObject({ status: 404 });
    expect(await failure(invite((await addUser(handle, 'Ann')).email, 'admin', admin.id))).toBe('ok');
  });

  it('a member accepting another invite to the same workspace gets 409 and it stays unused', async () => {
    const { token } = await invite(`someone.${Date.now()}@example.com`);
    expect(await failure(acceptInvite({ principal: await principalFor(handle, agent.id), token }))).toMatchObject({ status: 409, reason: 'already_member' });
    expect((await getInvitePreview({ token }))?.problem).toBeNull();
  });

  it('of concurrent accepts of one link exactly one succeeds', async () => {
    const twin = await addUser(handle, 'Twin');
    const { token } = await invite(twin.email);
    const principal = await principalFor(handle, twin.id);
    const results = await Promise.all(Array.from({ length: 5 }, () => failure(acceptInvite({ principal, token }))));
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    for (const r of results.filter((x) => x !== 'ok')) expect(r).toMatchObject({ status: 409, reason: 'used' });
    expect(changes.filter((c) => c.userId === twin.id)).toHaveLength(1);
    expect(await roleOf(handle, ws, twin.id)).toBe('agent');
  });
});
