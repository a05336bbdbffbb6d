import type { Logger } from 'pino';
import { getDb, type Db } from '@/lib/db';
import type { Acquired, AcquireReason, Lease, LeaseStore } from './lease-store';

// This node's side of the session leases: it renews what it holds, gives up a lease the moment it
// cannot prove it still holds it, and takes over sessions whose owner stopped renewing.
//
// Safety: a lease renewed by a statement sent at local time t0 stays valid in the database until
// at least (the database's now() at t0) + TTL. The node counts its own deadline from t0 on its own
// clock, minus a margin, and stops the session when that passes without a renewal — so it has
// stopped before any other node can acquire (only clock *rates* matter, not offsets).

export class LeaseLostError extends Error {
  constructor(readonly lease: Lease) {
    super(`The lease on bot ${lease.botId} (epoch ${lease.epoch}) is no longer held by this node.`);
    this.name = 'LeaseLostError';
  }
}

export interface LeaseKeeperOptions {
  store: LeaseStore;
  ttlMs: number;
  renewMs: number;
  log: Logger;
  db?: () => Promise<Db>;
  /** This node no longer holds the lease: stop the session now, write nothing more. */
  onLost(lease: Lease): void;
  /** This node took over an expired lease (its owner died or shut down): run the session here. */
  onTakeover(acquired: Acquired): Promise<void>;
}

interface Held {
  epoch: number;
  /** Local clock (performance.now()) after which this node must consider the lease gone. */
  deadline: number;
}

const TAKEOVERS_PER_SCAN = 20;

export class LeaseKeeper {
  private readonly held = new Map<string, Held>();
  private timers: NodeJS.Timeout[] = [];
  private ticking = false;
  private stopped = true;
  readonly margin: number;
  /** Counters for /api/metrics. */
  readonly stats = { takeovers: 0, lost: 0 };

  constructor(private readonly opts: LeaseKeeperOptions) {
    this.margin = Math.min(2_000, Math.round(opts.ttlMs * 0.2));
  }

  get nodeId(): string {
    return this.opts.store.nodeId;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const check = Math.max(50, Math.min(500, Math.round(this.opts.renewMs / 2)));
    this.timers = [
      setInterval(() => void this.tick(), this.opts.renewMs),
      setInterval(() => this.expireOverdue(), check),
    ];
    for (const t of this.timers) t.unref();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** Takes the lease when nobody holds it (or it expired); null when another node does. */
  async acquire(botId: string, reason: AcquireReason): Promise<Acquired | null> {
    const t0 = performance.now();
    const acquired = await this.opts.store.acquire(botId, reason);
    if (!acquired) return null;
    this.held.set(botId, { epoch: acquired.epoch, deadline: t0 + this.opts.ttlMs - this.margin });
    return acquired;
  }

  /** The lease this node holds on a bot right now, if any. */
  holding(botId: string): Lease | undefined {
    const h = this.held.get(botId);
    if (!h || performance.now() >= h.deadline) return undefined;
    return { botId, epoch: h.epoch };
  }

  count(): number {
    return this.held.size;
  }

  /**
   * Runs a write only while this node provably holds the lease: one transaction that first locks
   * the lease row (epoch, owner and expiry checked by the database). Throws LeaseLostError
   * otherwise, after stopping the session.
   */
  async fenced<T>(lease: Lease, write: (tx: Db) => Promise<T>): Promise<T> {
    if (!this.isCurrent(lease)) throw this.lose(lease);
    const db = await (this.opts.db ?? getDb)();
    let lost = false;
    const result = await db.transaction(async (tx) => {
      if (!(await this.opts.store.check(tx as unknown as Db, lease))) {
        lost = true;
        return undefined as T;
      }
      return write(tx as unknown as Db);
    });
    if (lost) throw this.lose(lease);
    return result;
  }

  /** The session ended on purpose: the lease is deleted (nobody should run it). */
  async drop(lease: Lease, endReason: string): Promise<void> {
    if (!this.isCurrent(lease)) return;
    this.held.delete(lease.botId);
    await this.opts.store.drop(lease, endReason);
  }

  /** Shutdown: every lease expires now so other nodes take the sessions over at once. */
  async releaseAll(): Promise<void> {
    const all = [...this.held].map(([botId, h]) => ({ botId, epoch: h.epoch }));
    this.held.clear();
    await this.opts.store.release(all);
  }

  private isCurrent(lease: Lease): boolean {
    const h = this.held.get(lease.botId);
    return Boolean(h && h.epoch === lease.epoch && performance.now() < h.deadline);
  }

  private lose({ botId, epoch }: Lease): LeaseLostError {
    const h = this.held.get(botId);
    if (h && h.epoch === epoch) {
      this.held.delete(botId);
      this.stats.lost += 1;
      this.opts.log.warn({ botId, epoch }, 'session lease lost; stopping the session on this node');
      this.opts.onLost({ botId, epoch });
    }
    return new LeaseLostError({ botId, epoch });
  }

  private expireOverdue(): void {
    const now = performance.now();
    for (const [botId, h] of this.held) if (now >= h.deadline) this.lose({ botId, epoch: h.epoch });
  }

  /** One heartbeat: renew everything held, then look for sessions to take over. */
  async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      await this.renewAll();
      if (!this.stopped) await this.scan();
    } catch (err) {
      // The database is unreachable: leases run out on their deadlines (expireOverdue).
      this.opts.log.warn({ err }, 'session lease heartbeat failed');
    } finally {
      this.ticking = false;
    }
  }

  private async renewAll(): Promise<void> {
    const sent = [...this.held].map(([botId, h]) => ({ botId, epoch: h.epoch }));
    if (sent.length === 0) return;
    const t0 = performance.now();
    const renewed = await this.opts.store.renew(sent);
    for (const lease of sent) {
      const h = this.held.get(lease.botId);
      if (!h || h.epoch !== lease.epoch) continue; // dropped or re-acquired meanwhile
      if (renewed.has(lease.botId)) h.deadline = t0 + this.opts.ttlMs - this.margin;
      else this.lose(lease);
    }
  }

  private async scan(): Promise<void> {
    const expired = await this.opts.store.expired(TAKEOVERS_PER_SCAN);
    for (const botId of expired) {
      if (this.stopped) return;
      if (this.held.has(botId)) continue;
      const acquired = await this.acquire(botId, 'takeover');
      if (!acquired) continue; // another node was quicker
      this.stats.takeovers += 1;
      this.opts.log.info({ botId, epoch: acquired.epoch, previousOwner: acquired.previousOwner }, 'taking over a WhatsApp session');
      await this.opts.onTakeover(acquired).catch((err: unknown) => this.opts.log.error({ err, botId }, 'taking over a session failed'));
    }
  }
}
