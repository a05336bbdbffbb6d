import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DbHandle, setDbHandle } from '@/lib/db';
import { bots, sessionLeases, workspaces, type Bot } from '@/lib/db/schema';
import { installRealtime } from '@/lib/realtime/publish';
import { recordingRealtime, type RecordedEvent } from '@/test/recording-realtime';
import { setupTestEnv } from '@/test/setup-env';
import { openTestDb } from '@/test/test-db';
import { LeaseKeeper } from '../cluster/lease-keeper';
import { LeaseStore } from '../cluster/lease-store';
import { SessionElsewhereError, SessionManager } from './session-manager';
import { createSimulator } from './simulator/simulator';

// The session manager under session leases (two "nodes" in one process, one database): a
// session runs only under its bot's lease, a node that lost the lease stops its session and says
// nothing more, and the node that takes an expired lease over reconnects a linked session from
// the stored credentials (RECONNECTING, then CONNECTED) or resets one caught mid-link.

setupTestEnv();
const log = pino({ level: 'silent' });
const TIMING = { qrFirstMs: 5_000, qrNextMs: 1_000, qrRefs: 2, restartMs: 0 };
const TTL = 600;

const published: RecordedEvent[] = [];
let handle: DbHandle;
let workspaceId = '';

interface Node {
  id: string;
  manager: SessionManager;
  keeper: LeaseKeeper;
}
const nodes: Node[] = [];

function startNode(id: string): Node {
  const { engine, control } = createSimulator(TIMING);
  const store = new LeaseStore({ nodeId: id, ttlMs: TTL });
  const late: { manager?: SessionManager } = {};
  const keeper = new LeaseKeeper({
    store,
    ttlMs: TTL,
    renewMs: 150,
    log,
    onLost: (lease) => late.manager!.leaseLost(lease),
    onTakeover: (lease) => late.manager!.takeOver(lease),
  });
  const manager = new SessionManager({ engine, simulator: control, log, leases: keeper });
  late.manager = manager;
  const node = { id, manager, keeper };
  nodes.push(node);
  return node;
}

/** A node dies: its engine sockets close, nothing is written, its leases are not given back. */
async function crash(node: Node) {
  node.keeper.stop();
  await node.manager.shutdown();
}

const statuses = (botId: string) =>
  published.filter((p) => p.event === 'session_status_changed' && p.payload.botId === botId).map((p) => [p.payload.status, p.payload.reason ?? null]);
const row = async (botId: string): Promise<Bot> => (await handle.db.select().from(bots).where(eq(bots.id, botId)))[0]!;
const owner = async (botId: string) => (await handle.db.select().from(sessionLeases).where(eq(sessionLeases.botId, botId)))[0];

async function linkedBotOn(node: Node, name: string): Promise<Bot> {
  const [bot] = await handle.db.insert(bots).values({ workspaceId, name }).returning();
  await node.manager.connect(bot!, { method: 'qr' });
  await vi.waitFor(() => expect(statuses(bot!.id).map((s) => s[0])).toContain('QR_REQUIRED'), { timeout: 3_000, interval: 10 });
  node.manager.simulator!.scan(bot!.id, { phoneNumber: '15550009999', displayName: 'Leased Phone' });
  await vi.waitFor(() => expect(statuses(bot!.id).map((s) => s[0])).toContain('CONNECTED'), { timeout: 3_000, interval: 10 });
  return row(bot!.id);
}

beforeAll(async () => {
  ({ handle } = await openTestDb('pglite'));
  setDbHandle(handle);
  workspaceId = (await handle.db.insert(workspaces).values({ name: 'Leased' }).returning())[0]!.id;
  installRealtime(recordingRealtime({ events: published }));
});

afterEach(async () => {
  for (const n of nodes.splice(0)) await crash(n);
  // Each test's nodes see only its own bots' leases.
  await handle.db.delete(sessionLeases);
});

afterAll(async () => {
  installRealtime(undefined);
  await handle.close();
});

describe('sessions under leases', () => {
  it('connect takes the lease; another node refuses the bot (SessionElsewhereError) until it is released', async () => {
    const a = startNode('node-a');
    const b = startNode('node-b');
    const bot = await linkedBotOn(a, 'Held by A');
    expect(await owner(bot.id)).toMatchObject({ owner: 'node-a', epoch: 1 });
    await expect(b.manager.connect(bot, { method: 'qr' })).rejects.toBeInstanceOf(SessionElsewhereError);
    await expect(b.manager.logout(bot)).rejects.toBeInstanceOf(SessionElsewhereError);
    expect(a.manager.isRunning(bot.id)).toBe(true);
    expect(b.manager.isRunning(bot.id)).toBe(false);
  });

  it('takeover: the node that gets the expired lease reconnects the linked session from its creds (RECONNECTING, then CONNECTED)', async () => {
    const a = startNode('node-a');
    const bot = await linkedBotOn(a, 'Taken over');
    await crash(a);
    const b = startNode('node-b');
    const seen = published.length;
    b.keeper.start();
    const after = () =>
      published
        .slice(seen)
        .filter((p) => p.event === 'session_status_changed' && p.payload.botId === bot.id)
        .map((p) => [p.payload.status, p.payload.reason ?? null]);
    await vi.waitFor(() => expect(after().map((s) => s[0])).toContain('CONNECTED'), { timeout: 5_000, interval: 20 });
    expect(after()).toEqual([
      ['RECONNECTING', 'node_failover'],
      ['CONNECTED', null],
    ]);
    expect(await owner(bot.id)).toMatchObject({ owner: 'node-b', epoch: 2 });
    expect(await row(bot.id)).toMatchObject({ status: 'CONNECTED', phoneNumber: '15550009999' });
    // It runs here now: the simulated phone of node B accepted the stored creds.
    expect(b.manager.simulator!.message(bot.id, { from: '15550001111', text: 'still there?' }).externalId).toBeTruthy();
  });

  it('a node that lost the lease stops its session at once and writes or publishes nothing more for it', async () => {
    const a = startNode('node-a');
    a.keeper.start();
    const bot = await linkedBotOn(a, 'Lost');
    // The lease moves behind A's back; A's next heartbeat notices.
    await handle.db.execute(sql`update session_leases set owner = 'node-b', epoch = epoch + 1 where bot_id = ${bot.id}`);
    await vi.waitFor(() => expect(a.manager.isRunning(bot.id)).toBe(false), { timeout: 3_000, interval: 20 });
    const seen = published.length;
    await handle.db.update(bots).set({ statusReason: 'marker' }).where(eq(bots.id, bot.id));
    expect(() => a.manager.simulator!.message(bot.id, { from: '15550001111', text: 'anyone?' })).toThrow(/no WhatsApp session running/);
    await expect(a.manager.sendText(bot.id, '15550001111', 'hello')).rejects.toThrow();
    expect(published.slice(seen)).toEqual([]);
    expect((await row(bot.id)).statusReason).toBe('marker');
  });

  it('a session caught mid-link on a dead node cannot continue: the next owner marks it DISCONNECTED and lets the lease go', async () => {
    const a = startNode('node-a');
    const [bot] = await handle.db.insert(bots).values({ workspaceId, name: 'Mid link' }).returning();
    await a.manager.connect(bot!, { method: 'qr' });
    await vi.waitFor(() => expect(statuses(bot!.id).map((s) => s[0])).toContain('QR_REQUIRED'), { timeout: 3_000, interval: 10 });
    await crash(a);
    const b = startNode('node-b');
    b.keeper.start();
    await vi.waitFor(async () => expect(await owner(bot!.id)).toBeUndefined(), { timeout: 5_000, interval: 20 });
    expect(statuses(bot!.id).slice(-1)).toEqual([['DISCONNECTED', 'server_restarted']]);
    expect(await row(bot!.id)).toMatchObject({ status: 'DISCONNECTED', statusReason: 'server_restarted' });
    expect(b.manager.isRunning(bot!.id)).toBe(false);
  });

  it('logging out ends the session and deletes its lease (nobody takes it over)', async () => {
    const a = startNode('node-a');
    const bot = await linkedBotOn(a, 'Logged out');
    // The answer is the state after the logout, though the ended session's record is let go.
    expect(await a.manager.logout(bot)).toMatchObject({ botId: bot.id, status: 'DISCONNECTED' });
    await vi.waitFor(async () => expect(await owner(bot.id)).toBeUndefined(), { timeout: 3_000, interval: 20 });
    expect(statuses(bot.id).slice(-1)).toEqual([['DISCONNECTED', 'user_logout']]);

    // Linked again, on another node: A keeps nothing stale about it, its answers follow the row.
    const b = startNode('node-b');
    await b.manager.connect(await row(bot.id), { method: 'qr' });
    await vi.waitFor(async () => expect((await row(bot.id)).status).toBe('QR_REQUIRED'), { timeout: 3_000, interval: 10 });
    expect(a.manager.snapshot(await row(bot.id))).toMatchObject({ status: 'QR_REQUIRED' });
    expect(a.manager.isRunning(bot.id)).toBe(false);
  });
});
