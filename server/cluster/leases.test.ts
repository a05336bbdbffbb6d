import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DbHandle, setDbHandle } from '@/lib/db';
import { bots, sessionLeaseEvents, whatsappAuth, workspaces } from '@/lib/db/schema';
import { overlappingTenures, type Tenure } from '@/test/cluster';
import { setupTestEnv } from '@/test/setup-env';
import { openTestDb, testDrivers } from '@/test/test-db';
import { loadAuthState } from '../whatsapp/baileys/db-auth-state';
import { LeaseKeeper, LeaseLostError } from './lease-keeper';
import { type Acquired, type Lease, LeaseStore } from './lease-store';

// Session leases on both drivers: exclusive acquisition, expiry, takeover, renewal, release,
// fencing of writes, and the tenure history the multi-node tests assert on.

setupTestEnv();
const drivers = await testDrivers();
const log = pino({ level: 'silent' });
const TTL = 400;

describe.each(drivers)('session leases on %s', (driver) => {
  let handle: DbHandle;
  let cleanup: () => Promise<void>;
  let workspaceId: string;

  beforeAll(async () => {
    ({ handle, cleanup } = await openTestDb(driver));
    setDbHandle(handle);
    const [ws] = await handle.db.insert(workspaces).values({ name: 'Leases' }).returning();
    workspaceId = ws!.id;
  });
  afterAll(async () => {
    await cleanup();
  });

  const newBot = async () => (await handle.db.insert(bots).values({ workspaceId, name: 'Bot' }).returning())[0]!.id;
  const store = (nodeId: string, ttlMs = TTL) => new LeaseStore({ nodeId, ttlMs });
  const history = async (botId: string): Promise<Tenure[]> =>
    (await handle.db.select().from(sessionLeaseEvents).where(eq(sessionLeaseEvents.botId, botId)).orderBy(sessionLeaseEvents.epoch)).map((r) => ({
      ...r,
      previousOwner: r.previousOwner,
    }));

  it('one owner at a time: another node acquires only once the lease expired, with the next epoch', async () => {
    const botId = await newBot();
    const a = store('node-a');
    const b = store('node-b');
    expect(await a.acquire(botId, 'connect')).toEqual({ botId, epoch: 1, previousOwner: null });
    expect(await b.acquire(botId, 'connect')).toBeNull();
    expect(await b.owner(botId)).toEqual({ owner: 'node-a', epoch: 1, live: true });

    const taken = await vi.waitFor(
      async () => {
        const got = await b.acquire(botId, 'takeover');
        if (!got) throw new Error('still held');
        return got;
      },
      { timeout: 3_000, interval: 25 },
    );
    expect(taken).toEqual({ botId, epoch: 2, previousOwner: 'node-a' });
    expect(await a.renew([{ botId, epoch: 1 }])).toEqual(new Set());
    const h = await history(botId);
    expect(h.map((t) => [t.epoch, t.owner, t.previousOwner, t.reason])).toEqual([
      [1, 'node-a', null, 'connect'],
      [2, 'node-b', 'node-a', 'takeover'],
    ]);
    expect(overlappingTenures(h)).toEqual([]);
  });

  it('renewal extends the lease and its tenure; release lets another node in at once; drop ends it and epochs keep growing', async () => {
    const botId = await newBot();
    const a = store('node-a', 60_000);
    const b = store('node-b', 60_000);
    const lease = (await a.acquire(botId, 'restore'))!;
    const [before] = await history(botId);
    expect(await a.renew([lease])).toEqual(new Set([botId]));
    const [after] = await history(botId);
    expect(after!.expiresAt.getTime()).toBeGreaterThanOrEqual(before!.expiresAt.getTime());

    await a.release([lease]);
    expect((await a.owner(botId))?.live).toBe(false);
    const moved = (await b.acquire(botId, 'takeover'))!;
    expect(moved).toEqual({ botId, epoch: 2, previousOwner: 'node-a' });
    expect((await history(botId))[0]).toMatchObject({ endReason: 'released', releasedAt: expect.any(Date) });

    await b.drop(moved, 'logged_out');
    expect(await b.owner(botId)).toBeNull();
    expect(await b.expired()).not.toContain(botId);
    // A new session later continues the numbering (the history keeps every tenure).
    expect(await a.acquire(botId, 'connect')).toEqual({ botId, epoch: 3, previousOwner: null });
    const h = await history(botId);
    expect(h.map((t) => [t.epoch, t.owner, t.endReason])).toEqual([
      [1, 'node-a', 'released'],
      [2, 'node-b', 'logged_out'],
      [3, 'node-a', null],
    ]);
    expect(overlappingTenures(h)).toEqual([]);
  });

  it('a node restarted under the same NODE_ID takes its own unexpired lease back', async () => {
    const botId = await newBot();
    expect(await store('node-a', 60_000).acquire(botId, 'connect')).toMatchObject({ epoch: 1 });
    expect(await store('node-a', 60_000).acquire(botId, 'restore')).toEqual({ botId, epoch: 2, previousOwner: 'node-a' });
    expect(await store('node-b', 60_000).acquire(botId, 'connect')).toBeNull();
  });

  it.runIf(driver === 'postgres')('racing acquisitions: exactly one of many nodes wins', async () => {
    for (let round = 0; round < 5; round++) {
      const botId = await newBot();
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store(`racer-${i}`, 60_000).acquire(botId, 'connect')));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await history(botId)).length).toBe(1);
    }
  });

  it('the keeper fences writes: after its lease moved, a write throws LeaseLostError, changes nothing, and the session is told to stop', async () => {
    const botId = await newBot();
    const lost: Lease[] = [];
    const keeper = new LeaseKeeper({
      store: store('node-a'),
      ttlMs: TTL,
      renewMs: 100,
      log,
      onLost: (l) => lost.push(l),
      onTakeover: async () => {},
    });
    const lease = (await keeper.acquire(botId, 'connect'))!;
    expect(keeper.holding(botId)).toEqual({ botId, epoch: 1 });
    await keeper.fenced(lease, (tx) => tx.update(bots).set({ statusReason: 'written while held' }).where(eq(bots.id, botId)));

    // Node B takes the bot over once A's lease has run out (A never renewed: no heartbeat here).
    await vi.waitFor(
      async () => {
        if (!(await store('node-b').acquire(botId, 'takeover'))) throw new Error('still held');
      },
      { timeout: 3_000, interval: 25 },
    );
    await expect(keeper.fenced(lease, (tx) => tx.update(bots).set({ statusReason: 'too late' }).where(eq(bots.id, botId)))).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    const [row] = await handle.db.select({ reason: bots.statusReason }).from(bots).where(eq(bots.id, botId));
    expect(row!.reason).toBe('written while held');
    expect(lost).toEqual([{ botId, epoch: 1 }]);
    expect(keeper.holding(botId)).toBeUndefined();
    // Credentials too: the auth state's writes go through the same fence.
    const auth = await loadAuthState(botId, (write) => keeper.fenced(lease, write));
    await expect(auth.saveCreds()).rejects.toBeInstanceOf(LeaseLostError);
    expect(await handle.db.select().from(whatsappAuth).where(eq(whatsappAuth.botId, botId))).toEqual([]);
  });

  it('the database says no even before the local deadline: a write fenced by a stale epoch is refused by the lease row', async () => {
    const botId = await newBot();
    const lost: Lease[] = [];
    const keeper = new LeaseKeeper({ store: store('node-a', 60_000), ttlMs: 60_000, renewMs: 10_000, log, onLost: (l) => lost.push(l), onTakeover: async () => {} });
    const lease = (await keeper.acquire(botId, 'connect'))!;
    // Someone moved the lease behind this node's back (an operator, a clock gone wrong).
    await handle.db.execute(sql`update session_leases set owner = 'node-b', epoch = epoch + 1 where bot_id = ${botId}`);
    await expect(keeper.fenced(lease, async () => 'written')).rejects.toBeInstanceOf(LeaseLostError);
    expect(lost).toEqual([{ botId, epoch: lease.epoch }]);
  });

  it('the heartbeat renews what it holds, loses what moved, and takes over expired leases', async () => {
    // Earlier tests' expired leases would be taken over too.
    await handle.db.execute(sql`delete from session_leases`);
    const mine = await newBot();
    const stolen = await newBot();
    const orphan = await newBot();
    const lost: Lease[] = [];
    const taken: Acquired[] = [];
    const keeper = new LeaseKeeper({
      store: store('node-a', 60_000),
      ttlMs: 60_000,
      renewMs: 10_000,
      log,
      onLost: (l) => lost.push(l),
      onTakeover: async (a) => void taken.push(a),
    });
    const kept = (await keeper.acquire(mine, 'connect'))!;
    const moved = (await keeper.acquire(stolen, 'connect'))!;
    await handle.db.execute(sql`update session_leases set owner = 'node-b', epoch = epoch + 1 where bot_id = ${stolen}`);
    // A dead node's lease, already expired.
    await store('node-dead', 1_000).acquire(orphan, 'connect');
    await handle.db.execute(sql`update session_leases set expires_at = now() - interval '1 second' where bot_id = ${orphan}`);

    keeper.start();
    try {
      await keeper.tick();
      expect(lost).toEqual([{ botId: stolen, epoch: moved.epoch }]);
      expect(keeper.holding(mine)).toEqual({ botId: mine, epoch: kept.epoch });
      expect(taken).toEqual([{ botId: orphan, epoch: 2, previousOwner: 'node-dead' }]);
      expect(keeper.holding(orphan)).toEqual({ botId: orphan, epoch: 2 });
      expect(keeper.stats).toEqual({ takeovers: 1, lost: 1 });
      // Shutdown: everything it holds expires now, for the other nodes.
      await keeper.releaseAll();
      expect((await store('x').owner(mine))?.live).toBe(false);
    } finally {
      keeper.stop();
    }
  });
});

describe('lease keeper without its database', () => {
  it('gives a lease up on its own deadline when renewals cannot get through', async () => {
    const lost: Lease[] = [];
    const hanging = new Promise<never>(() => {});
    const fake = {
      nodeId: 'node-a',
      acquire: async (botId: string) => ({ botId, epoch: 7, previousOwner: null }),
      renew: () => hanging,
      expired: async () => [],
    } as unknown as LeaseStore;
    const keeper = new LeaseKeeper({ store: fake, ttlMs: 1_000, renewMs: 200, log, onLost: (l) => lost.push(l), onTakeover: async () => {} });
    const started = performance.now();
    await keeper.acquire('bot-1', 'connect');
    keeper.start();
    try {
      await vi.waitFor(() => expect(lost).toEqual([{ botId: 'bot-1', epoch: 7 }]), { timeout: 3_000, interval: 20 });
      // TTL minus the safety margin (20 %), not later: the database may hand it to another node at TTL.
      const after = performance.now() - started;
      expect(after).toBeGreaterThanOrEqual(790);
      expect(after).toBeLessThan(1_000);
      expect(keeper.holding('bot-1')).toBeUndefined();
    } finally {
      keeper.stop();
    }
  });
});
