import { randomUUID } from 'node:crypto';
import { and, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { getDb, type Db } from '@/lib/db';
import { bots, sessionEvents, whatsappAuth, type Bot } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { createKeyedQueue } from '@/lib/keyed-queue';
import { compact, nowIso, rooms, type SessionSnapshot, type SessionStatus } from '@/lib/realtime/events';
import { publish } from '@/lib/realtime/publish';
import { publishBotStatus } from '@/lib/services/bots/publish-bot';
import type { ExternalSessionUpdate, SessionControl, SimulatorControl } from '@/lib/whatsapp/session-control';
import {
  QR_LIFETIME_MS,
  type ConnectMethod,
  type EngineEvents,
  type EngineSession,
  type InboundMessage,
  type StateWriter,
  type StatusInfo,
  type WhatsAppEngine,
} from './engine';

// Owns at most one live WhatsApp session per bot. Every change is persisted (bots row +
// session_events) and then published through the one publish() path, in order, per bot.
//
// With session leases (always, in the server), a session runs only under its bot's lease: every
// write it makes is fenced by the lease's epoch, and the moment the lease is lost the session
// stops here without writing or publishing anything more (the node that took it over does).

interface LiveSession {
  botId: string;
  workspaceId: string;
  name: string;
  sessionId: string;
  method: ConnectMethod;
  phoneForPairing?: string;
  status: SessionStatus;
  reason?: string;
  phoneNumber?: string;
  displayName?: string;
  qr?: { code: string; expiresAt: Date; attempt: number };
  pairing?: { code: string; expiresAt: Date };
  engine?: EngineSession;
  /** The lease this session runs under (absent without leases, and for worker-reported sessions). */
  lease?: Lease;
  /** Taken over from another node: report RECONNECTING, not the engine's STARTING, until it settles. */
  resuming?: boolean;
  /** Persist-then-publish tasks for this bot, in order. */
  chain: Promise<void>;
}

export interface Lease {
  botId: string;
  epoch: number;
}

/** Why a lease was taken (kept in the lease history). */
export type LeaseReason = 'connect' | 'restore' | 'takeover' | 'logout' | 'cleanup';

/** The node's session leases (server/cluster/lease-keeper.ts). */
export interface SessionLeases {
  /** Null when another node holds a live lease on the bot. */
  acquire(botId: string, reason: LeaseReason): Promise<Lease | null>;
  holding(botId: string): Lease | undefined;
  /** Runs the write only while the lease is held (throws LeaseLostError otherwise). */
  fenced<T>(lease: Lease, write: (tx: Db) => Promise<T>): Promise<T>;
  /** The session ended on purpose: nobody should run it any more. */
  drop(lease: Lease, endReason: string): Promise<void>;
}

/** Another node holds this bot's lease: the command belongs there (server/cluster forwards it). */
export class SessionElsewhereError extends AppError {
  constructor(readonly botId: string) {
    super('service_unavailable', "This bot's WhatsApp session runs on another node. Try again in a moment.", { retryAfter: 5 });
  }
}

const isLeaseLost = (err: unknown) => err instanceof Error && err.name === 'LeaseLostError';

const ACTIVE: readonly SessionStatus[] = ['STARTING', 'QR_REQUIRED', 'CONNECTED', 'RECONNECTING'];
const TRANSIENT: SessionStatus[] = ['STARTING', 'QR_REQUIRED', 'RECONNECTING'];
/** A session showing a QR at most this long before a restart links again after it (WhatsApp's codes last ~2.5 min in all). */
const RELINK_WITHIN_MS = 3 * 60_000;

export interface SessionManagerOptions {
  engine: WhatsAppEngine;
  log: Logger;
  simulator?: SimulatorControl;
  /** Inbound messages from contacts (the inbox consumes them). */
  onMessage?: (bot: { botId: string; workspaceId: string }, message: InboundMessage) => Promise<void>;
  /** Delivery receipts for messages the bot sent. */
  onMessageStatus?: (botId: string, externalId: string, status: 'sent' | 'delivered' | 'read' | 'failed') => Promise<void>;
  /** The session is CONNECTED (after a link, a restore or a takeover): outbound messages waiting for it can go. */
  onConnected?: (botId: string) => void;
  leases?: SessionLeases;
}

export class SessionManager implements SessionControl {
  readonly engineName: 'baileys' | 'simulator';
  readonly simulator?: SimulatorControl;
  private readonly live = new Map<string, LiveSession>();
  /** Control operations (connect, logout, remove…) on one bot never interleave. */
  private readonly locked = createKeyedQueue();

  constructor(private readonly opts: SessionManagerOptions) {
    this.engineName = opts.engine.name;
    this.simulator = opts.simulator;
  }

  snapshot(bot: Bot): SessionSnapshot {
    const live = this.live.get(bot.id);
    if (!live) {
      return compact({
        botId: bot.id,
        sessionId: bot.sessionId ?? '',
        status: bot.status,
        phoneNumber: bot.phoneNumber ?? undefined,
        displayName: bot.displayName ?? undefined,
      });
    }
    return this.snapshotOf(live);
  }

  /** A live record's state; also after the record was let go because its session ended. */
  private snapshotOf(live: LiveSession): SessionSnapshot {
    return compact({
      botId: live.botId,
      sessionId: live.sessionId,
      status: live.status,
      qrCode: live.status === 'QR_REQUIRED' ? live.qr?.code : undefined,
      qrExpiresAt: live.status === 'QR_REQUIRED' ? live.qr?.expiresAt.toISOString() : undefined,
      pairingCode: live.status === 'QR_REQUIRED' ? live.pairing?.code : undefined,
      phoneNumber: live.phoneNumber,
      displayName: live.displayName,
    });
  }

  async liveSnapshot(bot: Bot): Promise<SessionSnapshot> {
    return this.snapshot(bot);
  }

  /** True while a session of this bot runs on this node. */
  isRunning(botId: string): boolean {
    return Boolean(this.live.get(botId)?.engine);
  }

  /** Sessions running on this node (metrics). */
  runningCount(): number {
    let n = 0;
    for (const l of this.live.values()) if (l.engine) n += 1;
    return n;
  }

  connect(bot: Bot, opts: { method: ConnectMethod; phoneNumber?: string }): Promise<SessionSnapshot> {
    return this.locked(bot.id, async () => {
      if (bot.channel !== 'whatsapp_web') {
        throw new AppError('conflict', 'Cloud API bots are connected with their Meta credentials, not by scanning a QR code.');
      }
      if (opts.method === 'pairing_code' && !opts.phoneNumber) {
        throw new AppError('validation_failed', 'A phone number is required for a pairing code.');
      }
      const current = this.live.get(bot.id);
      if (current?.engine && ACTIVE.includes(current.status)) {
        // Double clicks and several tabs asking at once share one attempt.
        const same = current.method === opts.method && current.phoneForPairing === opts.phoneNumber;
        if (current.status === 'CONNECTED' || same) return this.snapshot(bot);
        await current.engine.stop();
        current.engine = undefined;
      }
      const lease = await this.claim(bot.id, 'connect');
      return this.start(bot, opts.method, opts.phoneNumber, lease);
    });
  }

  logout(bot: Bot): Promise<SessionSnapshot> {
    return this.locked(bot.id, async () => {
      let live = this.live.get(bot.id);
      if (!live?.engine) {
        // No session here: take the lease for the wipe, so no other node is linking it meanwhile.
        const lease = await this.claim(bot.id, 'logout');
        live = this.adopt(bot, lease);
      }
      const engine = live.engine;
      live.engine = undefined;
      if (engine) await engine.logout();
      else await this.opts.engine.wipe(bot.id, this.writerFor(live));
      this.setStatus(live, 'DISCONNECTED', { reason: 'user_logout' }, { clearPhone: true });
      await live.chain;
      // Not this.snapshot(bot): the ended session's record is already let go, and `bot` is the
      // row from before the logout.
      return this.snapshotOf(live);
    });
  }

  remove(botId: string): Promise<void> {
    return this.locked(botId, async () => {
      const live = this.live.get(botId);
      this.live.delete(botId);
      if (live?.engine) await live.engine.stop();
      if (live) await live.chain;
      const lease = live?.lease ?? (await this.claim(botId, 'cleanup'));
      await this.opts.engine.wipe(botId, lease ? this.fencedWriter(lease) : undefined);
      if (lease) await this.opts.leases?.drop(lease, 'removed');
    });
  }

  applyExternal(bot: Bot, update: ExternalSessionUpdate): Promise<SessionSnapshot> {
    return this.locked(bot.id, async () => {
      const live = this.live.get(bot.id) ?? this.adopt(bot);
      const info: StatusInfo = { reason: update.reason, phoneNumber: update.phoneNumber, displayName: update.displayName };
      if (update.status === 'QR_REQUIRED' && update.qrCode) {
        const attempt = (live.qr?.attempt ?? 0) + 1;
        this.onQr(live, update.qrCode, attempt, new Date(Date.now() + (attempt === 1 ? QR_LIFETIME_MS.first : QR_LIFETIME_MS.next)));
      } else {
        this.setStatus(live, update.status, info);
      }
      await live.chain;
      return this.snapshotOf(live);
    });
  }

  /** Boot: reconnect every linked bot; sessions caught mid-link by a restart become DISCONNECTED. */
  async restoreAll(): Promise<{ restored: number; reset: number }> {
    const db = await getDb();
    const withCreds = await db
      .selectDistinct({ bot: bots })
      .from(bots)
      .innerJoin(whatsappAuth, and(eq(whatsappAuth.botId, bots.id), eq(whatsappAuth.kind, 'creds')))
      .where(eq(bots.channel, 'whatsapp_web'));
    const restoredIds: string[] = [];
    for (const { bot } of withCreds) {
      let linked = false;
      try {
        linked = await this.opts.engine.isLinked(bot.id);
      } catch (err) {
        this.opts.log.error({ err, botId: bot.id }, 'stored WhatsApp credentials are unreadable (APP_SECRET changed?)');
      }
      if (!linked) continue;
      if (await this.startAtBoot(bot, 'restoring a WhatsApp session failed')) restoredIds.push(bot.id);
    }
    // A QR on screen when the server stopped (a restart, a deploy): link again, so the tab that
    // re-subscribes shows a current QR rather than "expired". Only recent ones: an older QR would
    // have run out of codes by now anyway. Not when a live node holds the session.
    const midLink = await db
      .select()
      .from(bots)
      .where(
        and(
          eq(bots.channel, 'whatsapp_web'),
          eq(bots.status, 'QR_REQUIRED'),
          sql`${bots.updatedAt} > now() - make_interval(secs => ${RELINK_WITHIN_MS / 1000})`,
          restoredIds.length ? notInArray(bots.id, restoredIds) : undefined,
          sql`not exists (select 1 from session_leases l where l.bot_id = ${bots.id} and l.expires_at > now())`,
        ),
      );
    for (const bot of midLink) {
      if (await this.startAtBoot(bot, 'linking again after a restart failed')) restoredIds.push(bot.id);
    }
    // Other sessions caught mid-link are reset, unless a live node holds them (it may be showing a QR).
    const stale = await db
      .update(bots)
      .set({ status: 'DISCONNECTED', statusReason: 'server_restarted', updatedAt: new Date() })
      .where(
        and(
          eq(bots.channel, 'whatsapp_web'),
          inArray(bots.status, [...TRANSIENT, 'CONNECTED']),
          restoredIds.length ? notInArray(bots.id, restoredIds) : undefined,
          sql`not exists (select 1 from session_leases l where l.bot_id = ${bots.id} and l.expires_at > now())`,
        ),
      )
      .returning({ id: bots.id, sessionId: bots.sessionId });
    for (const row of stale) {
      if (row.sessionId) {
        await db.insert(sessionEvents).values({ botId: row.id, sessionId: row.sessionId, status: 'DISCONNECTED', reason: 'server_restarted' });
      }
    }
    return { restored: restoredIds.length, reset: stale.length };
  }

  /** Closes every engine session without changing stored state, so the next boot (or another node) restores them. */
  async shutdown(): Promise<void> {
    const all = [...this.live.values()];
    this.live.clear();
    await Promise.all(all.map(async (l) => l.engine?.stop()));
    await Promise.all(all.map((l) => l.chain));
  }

  async sendText(botId: string, to: string, text: string): Promise<{ externalId: string }> {
    const live = this.live.get(botId);
    if (!live?.engine || live.status !== 'CONNECTED') throw new AppError('conflict', 'The bot is not connected to WhatsApp.');
    // The lease may have run out a moment ago: never send for a session another node may run.
    if (live.lease && this.opts.leases && !this.opts.leases.holding(botId)) throw new SessionElsewhereError(botId);
    return live.engine.sendText(to, text);
  }

  /**
   * The lease keeper lost this bot's lease (another node may take it over): the session stops now,
   * with no status written or published — the next owner reports the session from then on.
   */
  leaseLost(lease: Lease): void {
    const live = this.live.get(lease.botId);
    if (!live?.lease || live.lease.epoch !== lease.epoch) return;
    this.live.delete(lease.botId);
    const engine = live.engine;
    live.engine = undefined;
    void engine?.stop().catch((err: unknown) => this.opts.log.warn({ err, botId: lease.botId }, 'stopping a session after losing its lease failed'));
  }

  /**
   * This node took over an expired lease (its node died or shut down). A linked session
   * reconnects here from its stored credentials (RECONNECTING, then CONNECTED); one caught
   * mid-link cannot continue (its QR lived on the other node) and becomes DISCONNECTED.
   */
  takeOver(lease: Lease): Promise<void> {
    return this.locked(lease.botId, async () => {
      const leases = this.opts.leases;
      const db = await getDb();
      const [bot] = await db.select().from(bots).where(eq(bots.id, lease.botId));
      if (!bot || bot.channel !== 'whatsapp_web') {
        await leases?.drop(lease, 'not_a_session');
        return;
      }
      let linked = false;
      try {
        linked = await this.opts.engine.isLinked(bot.id);
      } catch (err) {
        this.opts.log.error({ err, botId: bot.id }, 'stored WhatsApp credentials are unreadable (APP_SECRET differs between nodes?)');
      }
      if (linked) {
        await this.start(bot, 'qr', undefined, lease, { resume: true });
        return;
      }
      const live = this.adopt(bot, lease);
      if (TRANSIENT.includes(live.status) || live.status === 'CONNECTED') this.setStatus(live, 'DISCONNECTED', { reason: 'server_restarted' });
      await live.chain;
      if (this.live.get(bot.id) === live) this.live.delete(bot.id);
      await leases?.drop(lease, 'not_linked');
    });
  }

  // --- internals ---

  /**
   * Starts a session at boot (restore, or a QR that was on screen) unless another node holds its
   * lease (several nodes share the database: leave it there). Resolves whether it started here.
   */
  private startAtBoot(bot: Bot, failure: string): Promise<boolean> {
    return this.locked(bot.id, async () => {
      let lease: Lease | undefined;
      if (this.opts.leases) {
        const acquired = await this.opts.leases.acquire(bot.id, 'restore');
        if (!acquired) return false;
        lease = acquired;
      }
      await this.start(bot, 'qr', undefined, lease);
      return true;
    }).catch((err: unknown) => {
      this.opts.log.error({ err, botId: bot.id }, failure);
      return false;
    });
  }

  /** The bot's lease for a new session here: the one held, or a fresh one; another node's → SessionElsewhereError. */
  private async claim(botId: string, reason: LeaseReason): Promise<Lease | undefined> {
    const leases = this.opts.leases;
    if (!leases) return undefined;
    const held = leases.holding(botId);
    if (held) return held;
    const acquired = await leases.acquire(botId, reason);
    if (!acquired) throw new SessionElsewhereError(botId);
    return acquired;
  }

  private fencedWriter(lease: Lease): StateWriter {
    const leases = this.opts.leases!;
    return (write) => leases.fenced(lease, write);
  }

  private writerFor(live: LiveSession): StateWriter | undefined {
    return live.lease && this.opts.leases ? this.fencedWriter(live.lease) : undefined;
  }

  /** A write of this session's state: fenced by its lease when it has one. */
  private async write<T>(live: LiveSession, write: (db: Db) => Promise<T>): Promise<T> {
    if (live.lease && this.opts.leases) return this.opts.leases.fenced(live.lease, write);
    return write(await getDb());
  }

  private async start(
    bot: Bot,
    method: ConnectMethod,
    phoneForPairing?: string,
    lease?: Lease,
    opts: { resume?: boolean } = {},
  ): Promise<SessionSnapshot> {
    const sessionId = randomUUID();
    // A new attempt keeps the old one's publish chain, so its last events still go out first.
    const live = this.track(bot, { sessionId, method, phoneForPairing, lease, chain: this.live.get(bot.id)?.chain });
    try {
      // The session id is stored before anything can report on it (workers address it by id).
      await this.write(live, (db) => db.update(bots).set({ sessionId, updatedAt: new Date() }).where(eq(bots.id, bot.id)));
    } catch (err) {
      if (this.live.get(bot.id) === live) this.live.delete(bot.id);
      throw err;
    }
    const log = this.opts.log.child({ botId: bot.id, sessionId });
    if (opts.resume) {
      live.resuming = true;
      this.setStatus(live, 'RECONNECTING', { reason: 'node_failover' });
    }
    live.engine = this.opts.engine.start({
      botId: bot.id,
      sessionId,
      method,
      phoneNumber: phoneForPairing,
      log,
      events: this.eventsFor(live, log),
      writer: this.writerFor(live),
    });
    return this.snapshot(bot);
  }

  /** A live record for a bot that has no engine session here (logout of an idle bot, worker updates). */
  private adopt(bot: Bot, lease?: Lease): LiveSession {
    return this.track(bot, { sessionId: bot.sessionId ?? randomUUID(), method: 'qr', lease });
  }

  /** Starts tracking a bot's session from its stored row. */
  private track(
    bot: Bot,
    attempt: { sessionId: string; method: ConnectMethod; phoneForPairing?: string; lease?: Lease; chain?: Promise<void> },
  ): LiveSession {
    const live: LiveSession = {
      botId: bot.id,
      workspaceId: bot.workspaceId,
      name: bot.name,
      sessionId: attempt.sessionId,
      method: attempt.method,
      phoneForPairing: attempt.phoneForPairing,
      status: bot.status,
      phoneNumber: bot.phoneNumber ?? undefined,
      displayName: bot.displayName ?? undefined,
      lease: attempt.lease,
      chain: attempt.chain ?? Promise.resolve(),
    };
    this.live.set(bot.id, live);
    return live;
  }

  private eventsFor(live: LiveSession, log: Logger): EngineEvents {
    // Reports from a replaced attempt are dropped.
    const current = () => this.live.get(live.botId) === live;
    return {
      status: (status, info) => {
        if (!current()) return;
        if (live.resuming) {
          // The session is already reported as RECONNECTING (taken over): its start is not news.
          if (status === 'STARTING') return;
          live.resuming = false;
        }
        const terminal = status === 'DISCONNECTED' || status === 'LOGGED_OUT' || status === 'ERROR';
        if (terminal) live.engine = undefined;
        this.setStatus(live, status, info ?? {}, { clearPhone: status === 'LOGGED_OUT' });
      },
      qr: (code, attempt, expiresAt) => {
        if (current()) this.onQr(live, code, attempt, expiresAt);
      },
      pairingCode: (code, expiresAt) => {
        if (!current()) return;
        if (live.status !== 'QR_REQUIRED') this.setStatus(live, 'QR_REQUIRED', {});
        live.pairing = { code, expiresAt };
        this.enqueue(live, async () => {
          publish(rooms.session(live.botId), 'pairing_code_updated', {
            botId: live.botId,
            sessionId: live.sessionId,
            code,
            expiresAt: expiresAt.toISOString(),
            timestamp: nowIso(),
          });
        });
      },
      error: (code, message) => {
        if (!current()) return;
        log.warn({ code }, message);
        this.enqueue(live, async () => {
          publish([rooms.session(live.botId), rooms.workspace(live.workspaceId)], 'connection_error', {
            botId: live.botId,
            sessionId: live.sessionId,
            code,
            error: message,
            timestamp: nowIso(),
          });
        });
      },
      message: (message) => {
        if (!current()) return;
        const sink = this.opts.onMessage;
        if (!sink) {
          log.debug({ externalId: message.externalId }, 'inbound message with no inbox consumer');
          return;
        }
        sink({ botId: live.botId, workspaceId: live.workspaceId }, message).catch((err: unknown) =>
          log.error({ err, externalId: message.externalId }, 'storing an inbound message failed'),
        );
      },
      messageStatus: (externalId, status) => {
        if (!current()) return;
        this.opts.onMessageStatus?.(live.botId, externalId, status).catch((err: unknown) =>
          log.error({ err, externalId }, 'storing a delivery receipt failed'),
        );
      },
    };
  }

  private onQr(live: LiveSession, code: string, attempt: number, expiresAt: Date): void {
    if (live.status !== 'QR_REQUIRED') this.setStatus(live, 'QR_REQUIRED', {});
    live.qr = { code, expiresAt, attempt };
    this.enqueue(live, async () => {
      // A QR code is a credential: the bot's session room only, never the workspace.
      publish(rooms.session(live.botId), 'qr_code_updated', {
        botId: live.botId,
        sessionId: live.sessionId,
        qrCode: code,
        status: 'QR_REQUIRED',
        expiresAt: expiresAt.toISOString(),
        attempt,
        timestamp: nowIso(),
      });
    });
  }

  private setStatus(live: LiveSession, status: SessionStatus, info: StatusInfo, opts: { clearPhone?: boolean } = {}): void {
    const changed = live.status !== status || live.reason !== info.reason;
    live.status = status;
    live.reason = info.reason;
    if (opts.clearPhone) {
      live.phoneNumber = undefined;
      live.displayName = undefined;
    }
    if (info.phoneNumber) live.phoneNumber = info.phoneNumber;
    if (info.displayName) live.displayName = info.displayName;
    if (status !== 'QR_REQUIRED') {
      live.qr = undefined;
      live.pairing = undefined;
    }
    const snapshot = { status, reason: info.reason, phoneNumber: live.phoneNumber, displayName: live.displayName, sessionId: live.sessionId };
    this.enqueue(live, async () => {
      try {
        await this.write(live, async (db) => {
          const [row] = await db
            .update(bots)
            .set({
              status,
              statusReason: snapshot.reason ?? null,
              phoneNumber: snapshot.phoneNumber ?? null,
              displayName: snapshot.displayName ?? null,
              ...(status === 'CONNECTED' ? { lastConnectedAt: new Date() } : {}),
              updatedAt: new Date(),
            })
            .where(eq(bots.id, live.botId))
            .returning({ name: bots.name });
          if (row) live.name = row.name;
          if (changed && row) {
            await db.insert(sessionEvents).values({
              botId: live.botId,
              sessionId: snapshot.sessionId,
              status,
              reason: snapshot.reason ?? null,
              phoneNumber: snapshot.phoneNumber ?? null,
            });
          }
        });
      } catch (err) {
        // Fenced off: another node owns the bot now and reports it; this node says nothing more.
        if (isLeaseLost(err)) return;
        // Still tell the browsers: live state is right even if the history row is missing.
        this.opts.log.error({ err, botId: live.botId, status }, 'persisting a session status failed');
      }
      const timestamp = nowIso();
      publish([rooms.session(live.botId), rooms.workspace(live.workspaceId)], 'session_status_changed', compact({
        botId: live.botId,
        sessionId: snapshot.sessionId,
        status,
        phoneNumber: snapshot.phoneNumber,
        displayName: snapshot.displayName,
        reason: snapshot.reason,
        timestamp,
      }));
      publishBotStatus(
        { id: live.botId, workspaceId: live.workspaceId, name: live.name, status, phoneNumber: snapshot.phoneNumber, displayName: snapshot.displayName },
        timestamp,
      );
      if (status === 'CONNECTED') this.opts.onConnected?.(live.botId);
      // The session ended (unlinked, logged out, gave up): its lease goes, unless a new attempt took over.
      const ended = status === 'DISCONNECTED' || status === 'LOGGED_OUT' || status === 'ERROR';
      if (ended && live.lease && !live.engine && this.live.get(live.botId) === live) {
        await this.opts.leases?.drop(live.lease, status.toLowerCase());
        // Nothing runs here any more: the stored row is the truth from now on, and the next
        // session may well start on another node (a record kept here would go stale).
        if (this.live.get(live.botId) === live && !live.engine) this.live.delete(live.botId);
      }
    });
  }

  private enqueue(live: LiveSession, task: () => Promise<void>): void {
    live.chain = live.chain.then(task).catch((err: unknown) => this.opts.log.error({ err, botId: live.botId }, 'session event task failed'));
  }
}
