import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '@/lib/auth/authenticate';
import { type DbHandle, setDbHandle } from '@/lib/db';
import { memberships, sessions, userIdentities, users, workspaces } from '@/lib/db/schema';
import { installRealtime } from '@/lib/realtime/publish';
import { setupTestEnv } from '@/test/setup-env';
import { CLERK_PUBLISHABLE_KEY, clerkClaims, createTestKey, firebaseClaims, FIREBASE_PROJECT, mint, nowSeconds, type TestKey } from '@/test/provider-tokens';
import { openTestDb, testDrivers } from '@/test/test-db';
import { createProviderSession } from './create-provider-session';
import { PLACEHOLDER_EMAIL_DOMAIN } from './ensure-provider-user';
import { insertAccount } from './insert-account';
import { issueToken } from './issue-token';
import { signIn } from './sign-in';
import { signOut } from './sign-out';
import { signUp } from './sign-up';

const firebaseKey: TestKey = await createTestKey('fb-1');
const clerkKey: TestKey = await createTestKey('ins_1');

const FIREBASE_ENV = { AUTH_PROVIDER: 'firebase', FIREBASE_PROJECT_ID: FIREBASE_PROJECT, NEXT_PUBLIC_FIREBASE_API_KEY: 'AIzaTest', FIREBASE_PUBLIC_KEY: firebaseKey.pem };
const CLERK_ENV = { AUTH_PROVIDER: 'clerk', NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: CLERK_PUBLISHABLE_KEY, CLERK_JWT_KEY: clerkKey.pem };

setupTestEnv(FIREBASE_ENV);
const drivers = await testDrivers();

const fbToken = (uid: string, overrides: Parameters<typeof firebaseClaims>[1] = {}) => mint(firebaseKey, firebaseClaims(uid, overrides));

describe.each(drivers)('Clerk/Firebase sign-in on %s', (driver) => {
  let handle: DbHandle;
  let cleanup: () => Promise<void>;
  const disconnected: string[] = [];

  beforeAll(async () => {
    setupTestEnv(FIREBASE_ENV);
    ({ handle, cleanup } = await openTestDb(driver));
    setDbHandle(handle);
    installRealtime({
      publish: () => {},
      disconnectRooms: (rooms) => void disconnected.push(...[rooms].flat()),
      applyMembership: () => {},
      connectionCount: () => 0,
      sseConnectionCount: () => 0,
    });
  });
  afterAll(async () => {
    installRealtime(undefined);
    await cleanup();
  });

  async function accountOf(userId: string) {
    const [user] = await handle.db.select().from(users).where(eq(users.id, userId));
    const roles = await handle.db.select().from(memberships).where(eq(memberships.userId, userId));
    const identities = await handle.db.select().from(userIdentities).where(eq(userIdentities.userId, userId));
    return { user, roles, identities };
  }
  const tally = async () => ({
    users: (await handle.db.select({ n: count() }).from(users))[0]!.n,
    workspaces: (await handle.db.select({ n: count() }).from(workspaces))[0]!.n,
  });

  it('first sign-in creates the user, a personal workspace they own and the identity link; later ones find them', async () => {
    const before = await tally();
    const claims = firebaseClaims('UidFirst', { name: 'Ada Lovelace', email: 'Ada@Example.com' });
    const principal = await authenticate({ token: await mint(firebaseKey, claims) });
    expect(principal).toMatchObject({ via: 'provider', sessionId: `firebase:UidFirst:${claims.auth_time}`, expiresAt: new Date(claims.exp! * 1000) });
    const { user, roles, identities } = await accountOf(principal!.userId);
    expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace', passwordHash: null });
    expect(roles).toEqual([expect.objectContaining({ role: 'owner' })]);
    expect(principal!.memberships).toEqual([{ workspaceId: roles[0]!.workspaceId, role: 'owner' }]);
    expect(identities).toEqual([expect.objectContaining({ provider: 'firebase', subject: 'UidFirst' })]);
    const [ws] = await handle.db.select().from(workspaces).where(eq(workspaces.id, roles[0]!.workspaceId));
    expect(ws?.name).toBe("Ada's workspace");

    const again = await authenticate({ token: await fbToken('UidFirst', { auth_time: nowSeconds() - 5 }) });
    expect(again?.userId).toBe(principal!.userId);
    expect(await tally()).toEqual({ users: before.users + 1, workspaces: before.workspaces + 1 });
  });

  it('concurrent first sign-ins of one account create exactly one user and one workspace', async () => {
    const before = await tally();
    const tokens = await Promise.all(Array.from({ length: 8 }, () => fbToken('UidRace')));
    const principals = await Promise.all(tokens.map((token) => authenticate({ token })));
    expect(new Set(principals.map((p) => p?.userId)).size).toBe(1);
    expect(principals[0]?.userId).toEqual(expect.any(String));
    expect(await tally()).toEqual({ users: before.users + 1, workspaces: before.workspaces + 1 });
  });

  it('never merges accounts by email: an unverified or already-used address gets a stand-in', async () => {
    await handle.db.transaction((tx) => insertAccount(tx, { email: 'taken@example.com', name: 'Local Person', passwordHash: 'scrypt$x' }));
    const taken = await authenticate({ token: await fbToken('UidTaken', { email: 'taken@example.com' }) });
    const unverified = await authenticate({ token: await fbToken('UidUnverified', { email: 'mine@example.com', email_verified: false }) });
    const noEmail = await authenticate({ token: await fbToken('UidNoEmail', { email: undefined, email_verified: undefined, name: undefined }) });
    for (const p of [taken, unverified, noEmail]) {
      const { user } = await accountOf(p!.userId);
      expect(user?.email).toMatch(new RegExp(`^firebase-[0-9a-f]{24}@${PLACEHOLDER_EMAIL_DOMAIN.replace('.', '\\.')}$`));
    }
    expect((await accountOf(noEmail!.userId)).user?.name).toBe('Firebase user');
    const [local] = await handle.db.select().from(users).where(eq(users.email, 'taken@example.com'));
    expect(local?.id).not.toBe(taken!.userId);
  });

  it('refuses invalid and expired provider tokens', async () => {
    expect(await authenticate({ token: await fbToken('UidBadAud', { aud: 'other-project' }) })).toBeNull();
    expect(await authenticate({ token: await fbToken('UidExpired', { exp: nowSeconds() - 60 }) })).toBeNull();
    expect(await authenticate({ token: 'not-a-token' })).toBeNull();
    expect(await handle.db.select().from(userIdentities).where(eq(userIdentities.subject, 'UidBadAud'))).toEqual([]);
  });

  it('exchanges a provider token for a session cookie bound to that sign-in', async () => {
    const claims = firebaseClaims('UidCookie');
    const viaToken = (await authenticate({ token: await mint(firebaseKey, claims) }))!;
    const { user, session } = await createProviderSession({ principal: viaToken, userAgent: 'vitest' });
    expect(user.id).toBe(viaToken.userId);
    const [row] = await handle.db.select().from(sessions).where(eq(sessions.id, session.id));
    expect(row?.providerSessionKey).toBe(`firebase:UidCookie:${claims.auth_time}`);
    const viaCookie = await authenticate({ cookieHeader: `parley_session=${session.secret}` });
    expect(viaCookie).toMatchObject({ userId: viaToken.userId, sessionId: session.id, via: 'cookie' });
    // A cookie cannot mint another cookie: only a provider token proves a provider sign-in.
    await expect(createProviderSession({ principal: viaCookie! })).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('signing out ends the cookie and that provider sign-in: its tokens are refused, its sockets closed', async () => {
    const claims = firebaseClaims('UidLeave');
    const token = await mint(firebaseKey, claims);
    const viaToken = (await authenticate({ token }))!;
    const { session } = await createProviderSession({ principal: viaToken });
    const viaCookie = (await authenticate({ cookieHeader: `parley_session=${session.secret}` }))!;
    disconnected.length = 0;

    await signOut({ principal: viaCookie });
    expect(disconnected).toEqual(expect.arrayContaining([`auth:${session.id}`, `auth:${viaToken.sessionId}`]));
    expect(await authenticate({ cookieHeader: `parley_session=${session.secret}` })).toBeNull();
    expect(await authenticate({ token })).toBeNull();
    expect(await authenticate({ token: await mint(firebaseKey, { ...claims, iat: nowSeconds() }) })).toBeNull();
    // Signing in again is a new sign-in (new auth_time), and works.
    const back = await authenticate({ token: await fbToken('UidLeave', { auth_time: (claims.auth_time as number) + 1 }) });
    expect(back?.userId).toBe(viaToken.userId);
  });

  it('signing out with the provider token revokes the sessions exchanged from it', async () => {
    const token = await fbToken('UidApiLeave');
    const viaToken = (await authenticate({ token }))!;
    const { session } = await createProviderSession({ principal: viaToken });
    disconnected.length = 0;
    await signOut({ principal: viaToken });
    expect(disconnected).toEqual(expect.arrayContaining([`auth:${session.id}`, `auth:${viaToken.sessionId}`]));
    expect(await authenticate({ cookieHeader: `parley_session=${session.secret}` })).toBeNull();
    expect(await authenticate({ token })).toBeNull();
  });

  it('turns password accounts and Parley tokens off', async () => {
    await expect(signUp({ email: 'pw@example.com', password: 'password-123', name: 'Pw' })).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('Firebase') });
    await expect(signIn({ email: 'pw@example.com', password: 'password-123' })).rejects.toMatchObject({ code: 'not_found' });
    const principal = (await authenticate({ token: await fbToken('UidNoIssue') }))!;
    await expect(issueToken({ principal })).rejects.toMatchObject({ code: 'not_found' });
  });

  describe('with AUTH_PROVIDER=clerk', () => {
    beforeAll(() => setupTestEnv(CLERK_ENV));
    afterAll(() => setupTestEnv(FIREBASE_ENV));

    it('maps a Clerk user to one Parley user, apart from a Firebase account with the same id', async () => {
      const claims = clerkClaims('user_UidFirst');
      const p = await authenticate({ token: await mint(clerkKey, claims) });
      expect(p).toMatchObject({ via: 'provider', sessionId: 'clerk:sess_UidFirst' });
      const { identities, user } = await accountOf(p!.userId);
      expect(identities).toEqual([expect.objectContaining({ provider: 'clerk', subject: 'user_UidFirst' })]);
      expect(user?.name).toBe('Clerk user');
      expect((await authenticate({ token: await mint(clerkKey, clerkClaims('user_UidFirst', { sid: 'sess_other' })) }))?.userId).toBe(p!.userId);
      // Firebase tokens mean nothing while Clerk is the provider.
      expect(await authenticate({ token: await fbToken('UidFirst') })).toBeNull();
    });

    it('refuses a Clerk token signed with the wrong key', async () => {
      expect(await authenticate({ token: await mint(firebaseKey, clerkClaims('user_forged'), { kid: clerkKey.kid }) })).toBeNull();
    });
  });
});
