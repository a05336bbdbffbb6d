import { eq } from 'drizzle-orm';
import { getDb } from '@/lib/db';
import { bots, type Bot } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import type { SessionSnapshot } from '@/lib/realtime/events';
import type {
  ConnectMethod,
  ExternalSessionUpdate,
  SessionControl,
  SimulatedDisconnect,
  SimulatorCommands,
} from '@/lib/whatsapp/session-control';
import { SessionElsewhereError, type SessionManager } from '../whatsapp/session-manager';
import type { ClusterBus } from './cluster-bus';
import type { LeaseKeeper } from './lease-keeper';
import type { LeaseStore } from './lease-store';

// The session control route handlers and socket handlers reach (DESIGN section 5, several nodes):
// a command for a bot runs on this node when this node owns the bot's lease, or nobody does (it
// then takes the lease); when another live node owns it, the command is forwarded to that node
// over Redis and its answer returned. A command forwarded here is never forwarded again.

type Forwardable = {
  connect: { botId: string; method: ConnectMethod; phoneNumber?: string };
  logout: { botId: string };
  remove: { botId: string };
  snapshot: { botId: string };
  applyExternal: { botId: string; update: ExternalSessionUpdate };
  sendText: { botId: string; to: string; text: string };
  'sim.scan': { botId: string; phone?: { phoneNumber?: string; displayName?: string } };
  'sim.message': { botId: string; msg: { from: string; name?: string; text: string } };
  'sim.disconnect': { botId: string; reason: SimulatedDisconnect };
  'sim.outbox': { botId: string };
};
type Op = keyof Forwardable;

export class ClusteredSessions implements SessionControl {
  readonly engineName: 'baileys' | 'simulator';
  readonly simulator?: SimulatorCommands;

  constructor(
    private readonly opts: {
      local: SessionManager;
      store: LeaseStore;
      keeper: LeaseKeeper;
      /** Absent without REDIS_URL: one node, nothing to forward to. */
      bus?: ClusterBus;
    },
  ) {
    this.engineName = opts.local.engineName;
    const sim = opts.local.simulator;
    if (sim) {
      this.simulator = {
        scan: (botId, phone) => this.route('sim.scan', { botId, phone }, false, async () => sim.scan(botId, phone)),
        message: (botId, msg) => this.route('sim.message', { botId, msg }, false, async () => sim.message(botId, msg)),
        disconnect: (botId, reason) => this.route('sim.disconnect', { botId, reason }, false, async () => sim.disconnect(botId, reason)),
        outbox: (botId) => this.route('sim.outbox', { botId }, false, async () => sim.outbox(botId)),
      };
    }
    opts.bus?.handle('connect', (a: Forwardable['connect']) =>
      this.withBot(a.botId, (bot) => this.connectOn(bot, a, true)),
    );
    opts.bus?.handle('logout', (a: Forwardable['logout']) => this.withBot(a.botId, (bot) => this.logoutOn(bot, true)));
    opts.bus?.handle('remove', (a: Forwardable['remove']) => this.removeOn(a.botId, true));
    opts.bus?.handle('snapshot', (a: Forwardable['snapshot']) => this.withBot(a.botId, (bot) => this.snapshotOn(bot, true)));
    opts.bus?.handle('applyExternal', (a: Forwardable['applyExternal']) =>
      this.withBot(a.botId, (bot) => this.route('applyExternal', a, true, () => opts.local.applyExternal(bot, a.update))),
    );
    opts.bus?.handle('sendText', (a: Forwardable['sendText']) => this.sendTextOn(a, true));
    if (sim) {
      opts.bus?.handle('sim.scan', async (a: Forwardable['sim.scan']) => this.route('sim.scan', a, true, async () => sim.scan(a.botId, a.phone)));
      opts.bus?.handle('sim.message', async (a: Forwardable['sim.message']) => this.route('sim.message', a, true, async () => sim.message(a.botId, a.msg)));
      opts.bus?.handle('sim.disconnect', async (a: Forwardable['sim.disconnect']) =>
        this.route('sim.disconnect', a, true, async () => sim.disconnect(a.botId, a.reason)),
      );
      opts.bus?.handle('sim.outbox', async (a: Forwardable['sim.outbox']) => this.route('sim.outbox', a, true, async () => sim.outbox(a.botId)));
    }
  }

  snapshot(bot: Bot): SessionSnapshot {
    return this.opts.local.snapshot(bot);
  }

  liveSnapshot(bot: Bot): Promise<SessionSnapshot> {
    return this.snapshotOn(bot, false);
  }

  connect(bot: Bot, opts: { method: ConnectMethod; phoneNumber?: string }): Promise<SessionSnapshot> {
    return this.connectOn(bot, { botId: bot.id, ...opts }, false);
  }

  logout(bot: Bot): Promise<SessionSnapshot> {
    return this.logoutOn(bot, false);
  }

  remove(botId: string): Promise<void> {
    return this.removeOn(botId, false);
  }

  applyExternal(bot: Bot, update: ExternalSessionUpdate): Promise<SessionSnapshot> {
    return this.route('applyExternal', { botId: bot.id, update }, false, () => this.opts.local.applyExternal(bot, update));
  }

  sendText(botId: string, to: string, text: string): Promise<{ externalId: string }> {
    return this.sendTextOn({ botId, to, text }, false);
  }

  /** The node that runs this bot's session when it is another live node; null when it is this one or none. */
  async ownerElsewhere(botId: string): Promise<string | null> {
    if (this.opts.keeper.holding(botId)) return null;
    const owner = await this.opts.store.owner(botId);
    return owner?.live && owner.owner !== this.opts.keeper.nodeId ? owner.owner : null;
  }

  // --- internals ---

  private connectOn(bot: Bot, a: Forwardable['connect'], forwarded: boolean) {
    return this.route('connect', a, forwarded, () => this.opts.local.connect(bot, { method: a.method, phoneNumber: a.phoneNumber }));
  }

  private logoutOn(bot: Bot, forwarded: boolean) {
    return this.route('logout', { botId: bot.id }, forwarded, () => this.opts.local.logout(bot));
  }

  private removeOn(botId: string, forwarded: boolean) {
    return this.route('remove', { botId }, forwarded, () => this.opts.local.remove(botId));
  }

  private snapshotOn(bot: Bot, forwarded: boolean) {
    return this.route('snapshot', { botId: bot.id }, forwarded, () => this.opts.local.liveSnapshot(bot));
  }

  private sendTextOn(a: Forwardable['sendText'], forwarded: boolean) {
    return this.route('sendText', a, forwarded, () => this.opts.local.sendText(a.botId, a.to, a.text));
  }

  /**
   * Runs `local` here unless another live node owns the bot, in which case the command goes there.
   * A lost race for the lease (another node took it between the check and the acquire) is routed
   * once more.
   */
  private async route<O extends Op, T>(op: O, args: Forwardable[O], forwarded: boolean, local: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const owner = await this.ownerElsewhere(args.botId);
      if (owner === null) {
        try {
          return await local();
        } catch (err) {
          if (err instanceof SessionElsewhereError && attempt === 0) continue;
          throw err;
        }
      }
      if (forwarded || !this.opts.bus) {
        // Forwarded here but owned elsewhere (the lease just moved), or nothing to forward over.
        throw new SessionElsewhereError(args.botId);
      }
      return this.opts.bus.request<T>(owner, op, args);
    }
  }

  private async withBot<T>(botId: string, run: (bot: Bot) => Promise<T>): Promise<T> {
    const db = await getDb();
    const [bot] = await db.select().from(bots).where(eq(bots.id, botId));
    if (!bot) throw new AppError('not_found', 'Bot not found.');
    return run(bot);
  }
}
