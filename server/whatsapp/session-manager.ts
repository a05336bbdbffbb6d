import { randomUUID } from 'node:crypto';
import { and, eq, inArray, notInArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import { getDb } from '@/lib/db';
import { bots, sessionEvents, whatsappAuth, type Bot } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { createKeyedQueue } from '@/lib/keyed-queue';
import { compact, nowIso, rooms, type SessionSnapshot, type SessionStatus } from '@/lib/realtime/events';
import { publish } from '@/lib/realtime/publish';
import { publishBotStatus } from '@/lib/services/bots/publish-bot';
import type { ExternalSessionUpdate, SessionControl, SimulatorControl } from '@/lib/whatsapp/session-control';
import { QR_LIFETIME_MS, type ConnectMethod, type EngineEvents, type EngineSession, type InboundMessage, type StatusInfo, type WhatsAppEngine } from './engine';

// Owns at most one live WhatsApp session per bot. Every change is persisted (bots row +
// session_events) and then published through the one publish() path, in order, per bot.

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
  /** Persist-then-publish tasks for this bot, in order. */
  chain: Promise<void>;
}

const ACTIVE: readonly SessionStatus[] = ['STARTING', 'QR_REQUIRED', 'CONNECTED', 'RECONNECTING'];
const TRANSIENT: SessionStatus[] = ['STARTING', 'QR_REQUIRED', 'RECONNECTING'];

export interface SessionManagerOptions {
  engine: WhatsAppEngine;
  log: Logger;
  simulator?: SimulatorControl;
  /** Inbound messages from contacts (the inbox consumes them). */
  onMessage?: (bot: { botId: string; workspaceId: string }, message: InboundMessage) => Promise<void>;
  /** Delivery receipts for messages the bot sent. */
  onMessageStatus?: (botId: string, externalId: string, status: 'sent' | 'delivered' | 'read' | 'failed') => Promise<void>;
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
      return this.start(bot, opts.method, opts.phoneNumber);
    });
  }

  logout(bot: Bot): Promise<SessionSnapshot> {
    return this.locked(bot.id, async () => {
      const live = this.live.get(bot.id) ?? this.adopt(bot);
      const engine = live.engine;
      live.engine = undefined;
      if (engine) await engine.logout();
      else await this.opts.engine.wipe(bot.id);
      this.setStatus(live, 'DISCONNECTED', { reason: 'user_logout' }, { clearPhone: true });
      await live.chain;
      return this.snapshot(bot);
    });
  }

  remove(botId: string): Promise<void> {
    return this.locked(botId, async () => {
      const live = this.live.get(botId);
      this.live.delete(botId);
      if (live?.engine) await live.engine.stop();
      if (live) await live.chain;
      await this.opts.engine.wipe(botId);
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
      return this.snapshot(bot);
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
      restoredIds.push(bot.id);
      await this.locked(bot.id, async () => this.start(bot, 'qr'));
    }
    const stale = await db
      .update(bots)
      .set({ status: 'DISCONNECTED', statusReason: 'server_restarted', updatedAt: new Date() })
      .where(
        and(
          inArray(bots.status, [...TRANSIENT, 'CONNECTED']),
          restoredIds.length ? notInArray(bots.id, restoredIds) : undefined,
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

  /** Closes every engine session without changing stored state, so the next boot restores them. */
  async shutdown(): Promise<void> {
    const all = [...this.live.values()];
    this.live.clear();
    await Promise.all(all.map(async (l) => l.engine?.stop()));
    await Promise.all(all.map((l) => l.chain));
  }

  async sendText(botId: string, to: string, text: string): Promise<{ externalId: string }> {
    const live = this.live.get(botId);
    if (!live?.engine || live.status !== 'CONNECTED') throw new AppError('conflict', 'The bot is not connected to WhatsApp.');
    return live.engine.sendText(to, text);
  }

  // --- internals ---

  private async start(bot: Bot, method: ConnectMethod, phoneForPairing?: string): Promise<SessionSnapshot> {
    const sessionId = randomUUID();
    const db = await getDb();
    // The session id is stored before anything can report on it (workers address it by id).
    await db.update(bots).set({ sessionId, updatedAt: new Date() }).where(eq(bots.id, bot.id));
    // A new attempt keeps the old one's publish chain, so its last events still go out first.
    const live = this.track(bot, { sessionId, method, phoneForPairing, chain: this.live.get(bot.id)?.chain });
    const log = this.opts.log.child({ botId: bot.id, sessionId });
    live.engine = this.opts.engine.start({
      botId: bot.id,
      sessionId,
      method,
      phoneNumber: phoneForPairing,
      log,
      events: this.eventsFor(live, log),
    });
    return this.snapshot(bot);
  }

  /** A live record for a bot that has no engine session here (logout of an idle bot, worker updates). */
  private adopt(bot: Bot): LiveSession {
    return this.track(bot, { sessionId: bot.sessionId ?? randomUUID(), method: 'qr' });
  }

  /** Starts tracking a bot's session from its stored row. */
  private track(
    bot: Bot,
    attempt: { sessionId: string; method: ConnectMethod; phoneForPairing?: string; chain?: Promise<void> },
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
        const db = await getDb();
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
      } catch (err) {
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
    });
  }

  private enqueue(live: LiveSession, task: () => Promise<void>): void {
    live.chain = live.chain.then(task).catch((err: unknown) => this.opts.log.error({ err, botId: live.botId }, 'session event task failed'));
  }
}
