import { sql, type SQL } from 'drizzle-orm';
import { getDb, type Db } from '@/lib/db';

// Session leases in the database (tables session_leases and session_lease_events): which node
// runs each bot's WhatsApp session. Every statement here is one atomic SQL statement, so two
// nodes racing for the same bot cannot both win: the row lock of INSERT … ON CONFLICT DO UPDATE
// re-checks `expires_at <= now()` against the latest version of the row. Times are the
// database's own clock (now()), never a node's.

export interface Lease {
  botId: string;
  /** The fencing token: grows with every acquisition of this bot's lease. */
  epoch: number;
}

export interface Acquired extends Lease {
  /** Who held the lease before (null: nobody since the session last ended). */
  previousOwner: string | null;
}

export interface LeaseOwner {
  owner: string;
  epoch: number;
  /** The lease has not expired: its owner is (or was very recently) alive. */
  live: boolean;
}

/** Why a lease was taken, kept in the tenure history. */
export type AcquireReason = 'connect' | 'restore' | 'takeover' | 'logout' | 'cleanup';

type Rows<T> = { rows: T[] };

async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as unknown as Rows<T>).rows;
}

const pairs = (leases: readonly Lease[]) =>
  sql.join(
    leases.map((l) => sql`(${l.botId}::uuid, ${l.epoch}::bigint)`),
    sql`, `,
  );

export class LeaseStore {
  constructor(
    private readonly opts: {
      nodeId: string;
      ttlMs: number;
      db?: () => Promise<Db>;
    },
  ) {}

  get nodeId(): string {
    return this.opts.nodeId;
  }

  private db(): Promise<Db> {
    return (this.opts.db ?? getDb)();
  }

  /**
   * Takes the bot's lease when nobody holds it, it has expired, or this node held it (a restart
   * under the same NODE_ID). Null when another node holds a live lease.
   */
  async acquire(botId: string, reason: AcquireReason): Promise<Acquired | null> {
    const me = this.opts.nodeId;
    const ttl = this.opts.ttlMs;
    const [row] = await rows<{ epoch: number | string; previous_owner: string | null }>(
      await this.db(),
      sql`
        with prev as (
          select owner from session_leases where bot_id = ${botId}
        ), won as (
          insert into session_leases as l (bot_id, owner, epoch, acquired_at, renewed_at, expires_at)
          values (
            ${botId}, ${me},
            (select coalesce(max(epoch), 0) + 1 from session_lease_events where bot_id = ${botId}),
            now(), now(), now() + ${ttl} * interval '1 millisecond'
          )
          on conflict (bot_id) do update
            set owner = excluded.owner, epoch = l.epoch + 1, acquired_at = now(), renewed_at = now(), expires_at = excluded.expires_at
            where l.expires_at <= now() or l.owner = excluded.owner
          returning l.bot_id, l.epoch, l.expires_at
        ), tenure as (
          insert into session_lease_events (bot_id, epoch, owner, previous_owner, reason, acquired_at, expires_at)
          select bot_id, epoch, ${me}, (select owner from prev), ${reason}, now(), expires_at from won
          returning epoch
        )
        select epoch, (select owner from prev) as previous_owner from tenure`,
    );
    return row ? { botId, epoch: Number(row.epoch), previousOwner: row.previous_owner } : null;
  }

  /** Extends the leases this node still holds (same epoch); returns the bot ids renewed. */
  async renew(leases: readonly Lease[]): Promise<Set<string>> {
    if (leases.length === 0) return new Set();
    const renewed = await rows<{ bot_id: string }>(
      await this.db(),
      sql`
        with renewed as (
          update session_leases l
            set renewed_at = now(), expires_at = now() + ${this.opts.ttlMs} * interval '1 millisecond'
            where l.owner = ${this.opts.nodeId} and (l.bot_id, l.epoch) in (values ${pairs(leases)})
          returning l.bot_id, l.epoch, l.expires_at
        ), tenure as (
          update session_lease_events e set expires_at = r.expires_at
            from renewed r where e.bot_id = r.bot_id and e.epoch = r.epoch
          returning e.id
        )
        select bot_id::text as bot_id from renewed`,
    );
    return new Set(renewed.map((r) => r.bot_id));
  }

  /**
   * Gives leases back without ending the sessions (shutdown): they expire now, so another node
   * takes them over at its next scan.
   */
  async release(leases: readonly Lease[]): Promise<void> {
    if (leases.length === 0) return;
    await (await this.db()).execute(sql`
      with released as (
        update session_leases l set expires_at = now()
          where l.owner = ${this.opts.nodeId} and (l.bot_id, l.epoch) in (values ${pairs(leases)})
        returning l.bot_id, l.epoch
      )
      update session_lease_events e set released_at = now(), end_reason = 'released'
        from released r where e.bot_id = r.bot_id and e.epoch = r.epoch`);
  }

  /** The session ended (logged out, unlinked, gave up): nobody should run it any more. */
  async drop(lease: Lease, endReason: string): Promise<void> {
    await (await this.db()).execute(sql`
      with gone as (
        delete from session_leases
          where bot_id = ${lease.botId} and epoch = ${lease.epoch} and owner = ${this.opts.nodeId}
        returning bot_id, epoch
      )
      update session_lease_events e set released_at = now(), end_reason = ${endReason}
        from gone g where e.bot_id = g.bot_id and e.epoch = g.epoch`);
  }

  async owner(botId: string): Promise<LeaseOwner | null> {
    const [row] = await rows<{ owner: string; epoch: number | string; live: boolean }>(
      await this.db(),
      sql`select owner, epoch, expires_at > now() as live from session_leases where bot_id = ${botId}`,
    );
    return row ? { owner: row.owner, epoch: Number(row.epoch), live: row.live } : null;
  }

  /** Bots whose session should run somewhere but whose owner stopped renewing. */
  async expired(limit = 50): Promise<string[]> {
    const found = await rows<{ bot_id: string }>(
      await this.db(),
      sql`select bot_id::text as bot_id from session_leases where expires_at <= now() order by expires_at limit ${limit}`,
    );
    return found.map((r) => r.bot_id);
  }

  /**
   * The fence: inside the writer's transaction, true only while this node holds this epoch and
   * it has not expired. FOR SHARE holds the row, so no takeover commits until the write does.
   */
  async check(tx: Db, lease: Lease): Promise<boolean> {
    const found = await rows<{ ok: number }>(
      tx,
      sql`select 1 as ok from session_leases
            where bot_id = ${lease.botId} and epoch = ${lease.epoch} and owner = ${this.opts.nodeId} and expires_at > now()
            for share`,
    );
    return found.length > 0;
  }

  /** Live leases per node, for metrics. */
  async ownedCounts(): Promise<Map<string, number>> {
    const found = await rows<{ owner: string; n: number | string }>(
      await this.db(),
      sql`select owner, count(*) as n from session_leases where expires_at > now() group by owner`,
    );
    return new Map(found.map((r) => [r.owner, Number(r.n)]));
  }
}
