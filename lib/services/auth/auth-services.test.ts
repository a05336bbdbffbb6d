import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { authenticate } from '@/lib/auth/authenticate';
import { signAccessToken } from '@/lib/auth/tokens';
import { type DbHandle, setDbHandle } from '@/lib/db';
import { memberships, sessions, users, workspaces } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { installRealtime } from '@/lib/realtime/publish';
import { deriveKey } from '@/lib/secrets/app-secret';
import { renameWorkspace } from '@/lib/services/workspaces/rename-workspace';
import { recordingRealtime, type RecordedEvent } from '@/test/recording-realtime';
import { setupTestEnv } from '@/test/setup-env';
import { openTestDb, testDrivers } from '@/test/test-db';
import { getAccount } from './get-account';
import { issueToken } from './issue-token';
import { signIn } from './sign-in';
import { signOut } from './sign-out';
import { signUp } from './sign-up';

setupTestEnv();
const drivers = await testDrivers();

describe.each(drivers)('auth services on %s', (driver) => {
  let handle: DbHandle;
  let cleanup: () => Promise<void>;
  const published: RecordedEvent[] = [];
  const disconnected: (string | readonly string[])[] = [];

  beforeAll(async () => {
    ({ handle, cleanup } = await openTestDb(driver));
    setDbHandle(handle);
    installRealtime(recordingRealtime({ events: published, disconnected }));
  });
  afterAll(async () => {
    installRealtime(undefined);
    await cleanup();
  });

  it('signs up: user, personal workspace owned by them, and a session — stored, password hashed', async () => {
    const result = await signUp({ email: '  Ada@Example.COM ', password: 'analytical-engine', name: 'Ada Lovelace' });
    expect(result.user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(result.workspace.name).toBe("Ada's workspace");
    const db = handle.db;
    const [stored] = await db.select().from(users).where(eq(users.id, result.user.id));
    expect(stored?.passwordHash).toMatch(/^scrypt\$/);
    expect(stored?.passwordHash).not.toContain('analytical-engine');
    const roles = await db.select().from(memberships).where(eq(memberships.userId, result.user.id));
    expect(roles).toEqual([expect.objectContaining({ workspaceId: result.workspace.id, role: 'owner' })]);
    const [session] = await db.select().from(sessions).where(eq(sessions.id, result.session.id));
    // Only a hash of the cookie value is stored.
    expect(session?.tokenHash).not.toBe(result.session.secret);
    expect(session?.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
  });

  it('refuses a second account for the same email, whatever the case', async () => {
    await signUp({ email: 'grace@example.com', password: 'cobol-forever', name: 'Grace' });
    const err = await signUp({ email: 'GRACE@example.com', password: 'cobol-forever', name: 'Grace 2' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('conflict');
    expect(await handle.db.select().from(users).where(eq(users.email, 'grace@example.com'))).toHaveLength(1);
  });

  it('lets exactly one of two racing sign-ups win, leaving no orphan workspace', async () => {
    const before = (await handle.db.select().from(workspaces)).length;
    const results = await Promise.allSettled([
      signUp({ email: 'race@example.com', password: 'password-one', name: 'One' }),
      signUp({ email: 'race@example.com', password: 'password-two', name: 'Two' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'conflict' });
    expect((await handle.db.select().from(workspaces)).length).toBe(before + 1);
  });

  it('signs in with the right password only, with one message for every failure', async () => {
    await signUp({ email: 'linus@example.com', password: 'penguins-rule', name: 'Linus' });
    const ok = await signIn({ email: 'LINUS@example.com', password: 'penguins-rule' });
    expect(ok.user.email).toBe('linus@example.com');
    const wrong = await signIn({ email: 'linus@example.com', password: 'nope-nope' }).catch((e: AppError) => e);
    const unknown = await signIn({ email: 'nobody@example.com', password: 'nope-nope' }).catch((e: AppError) => e);
    expect(wrong).toMatchObject({ code: 'unauthorized' });
    expect(unknown).toMatchObject({ code: 'unauthorized', message: (wrong as AppError).message });
  });

  it('authenticates by session cookie and by token; sign-out revokes both and closes its sockets', async () => {
    const { user, workspace, session } = await signUp({ email: 'tim@example.com', password: 'world-wide-web', name: 'Tim' });
    const byCookie = await authenticate({ cookieHeader: `other=1; parley_session=${session.secret}` });
    expect(byCookie).toMatchObject({ userId: user.id, sessionId: session.id, via: 'cookie', memberships: [{ workspaceId: workspace.id, role: 'owner' }] });

    const { token, expiresAt } = await issueToken({ principal: byCookie! });
    const byToken = await authenticate({ token });
    expect(byToken).toMatchObject({ userId: user.id, via: 'token', expiresAt });

    expect(await authenticate({ cookieHeader: 'parley_session=not-a-real-session' })).toBeNull();
    expect(await authenticate({ token: 'not-a-token' })).toBeNull();

    await signOut({ principal: { sessionId: session.id, via: 'cookie' } });
    expect(disconnected.flat()).toContain(`auth:${session.id}`);
    expect(await authenticate({ cookieHeader: `parley_session=${session.secret}` })).toBeNull();
    expect(await authenticate({ token })).toBeNull();
  });

  it('refuses a validly signed token whose user does not match its session', async () => {
    const a = await signUp({ email: 'mallory@example.com', password: 'sneaky-sneaky', name: 'Mallory' });
    const b = await signUp({ email: 'victim@example.com', password: 'innocent-one', name: 'Victim' });
    const forged = await signAccessToken({ userId: b.user.id, sessionId: a.session.id }, { ttlSeconds: 60, key: deriveKey('access-token-signing') });
    expect(await authenticate({ token: forged.token })).toBeNull();
  });

  it('refuses an expired session', async () => {
    const { session } = await signUp({ email: 'old@example.com', password: 'old-session-1', name: 'Old' });
    await handle.db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.id, session.id));
    expect(await authenticate({ cookieHeader: `parley_session=${session.secret}` })).toBeNull();
  });

  it('returns the account with workspaces and roles', async () => {
    const { session, workspace } = await signUp({ email: 'acct@example.com', password: 'account-pass', name: 'Acct' });
    const principal = await authenticate({ cookieHeader: `parley_session=${session.secret}` });
    expect(await getAccount({ principal: principal! })).toEqual({
      user: expect.objectContaining({ email: 'acct@example.com', name: 'Acct' }),
      workspaces: [{ id: workspace.id, name: workspace.name, role: 'owner' }],
    });
  });

  it('renames a workspace for its owner, publishing to that workspace room only after storing', async () => {
    const owner = await signUp({ email: 'owner@example.com', password: 'owner-pass-1', name: 'Owner' });
    const stranger = await signUp({ email: 'stranger@example.com', password: 'stranger-pass', name: 'Stranger' });
    const ownerP = (await authenticate({ cookieHeader: `parley_session=${owner.session.secret}` }))!;
    const strangerP = (await authenticate({ cookieHeader: `parley_session=${stranger.session.secret}` }))!;

    const spy = vi.fn();
    installRealtime(
      recordingRealtime({
        onPublish: async ({ rooms, event, payload }) => {
          const [row] = await handle.db.select().from(workspaces).where(eq(workspaces.id, owner.workspace.id));
          spy(rooms, event, payload, row?.name);
        },
      }),
    );
    await renameWorkspace({ principal: ownerP, workspaceId: owner.workspace.id, name: '  Support team ' });
    await vi.waitFor(() => expect(spy).toHaveBeenCalledTimes(1));
    expect(spy).toHaveBeenCalledWith(
      `workspace:${owner.workspace.id}`,
      'workspace_updated',
      expect.objectContaining({ workspaceId: owner.workspace.id, name: 'Support team' }),
      'Support team',
    );

    const err = await renameWorkspace({ principal: strangerP, workspaceId: owner.workspace.id, name: 'Pwned' }).catch((e: AppError) => e);
    expect(err).toMatchObject({ code: 'not_found' });
    const [row] = await handle.db.select().from(workspaces).where(eq(workspaces.id, owner.workspace.id));
    expect(row?.name).toBe('Support team');
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('forbids agents from renaming', async () => {
    const owner = await signUp({ email: 'o2@example.com', password: 'owner-pass-2', name: 'O2' });
    const agent = await signUp({ email: 'agent@example.com', password: 'agent-pass-1', name: 'Agent' });
    await handle.db.insert(memberships).values({ workspaceId: owner.workspace.id, userId: agent.user.id, role: 'agent' });
    const agentP = (await authenticate({ cookieHeader: `parley_session=${agent.session.secret}` }))!;
    await expect(renameWorkspace({ principal: agentP, workspaceId: owner.workspace.id, name: 'Nope' })).rejects.toMatchObject({ code: 'forbidden' });
  });
});
