import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AppError, isErrorCode, toAppError } from '@/lib/errors';
import type { RedisClient, RedisConnection } from './redis';

// Request/response between nodes over Redis pub/sub: a node forwards a command for a WhatsApp
// session to the node that owns it (its lease) and waits for the answer. Each node listens on
// its own channel `<prefix>rpc:<nodeId>`; answers go back on the asker's channel. Nothing is
// queued: an owner that is gone (nobody subscribed) or silent gets a 503 after the timeout.

interface Request {
  t: 'req';
  id: string;
  from: string;
  op: string;
  args: unknown;
}

interface Response {
  t: 'res';
  id: string;
  ok: boolean;
  data?: unknown;
  error?: { code: string; message: string; retryAfter?: number };
}

type Handler = (args: unknown) => Promise<unknown>;

export class ClusterBus {
  private readonly handlers = new Map<string, Handler>();
  private readonly pending = new Map<string, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  private sub?: RedisClient;
  /** Forwarded commands sent and answered, for /api/metrics. */
  readonly stats = { forwarded: 0, failed: 0, served: 0 };

  constructor(
    private readonly opts: {
      redis: RedisConnection;
      nodeId: string;
      timeoutMs: number;
      log: Logger;
    },
  ) {}

  private channel(nodeId: string): string {
    return `${this.opts.redis.prefix}rpc:${nodeId}`;
  }

  async start(): Promise<void> {
    this.sub = await this.opts.redis.duplicate();
    await this.sub.subscribe(this.channel(this.opts.nodeId), (raw) => this.onMessage(raw));
  }

  handle(op: string, handler: (args: never) => Promise<unknown>): void {
    this.handlers.set(op, handler as Handler);
  }

  /** Sends a command to another node and resolves with its answer (its AppError rethrown here). */
  async request<T>(nodeId: string, op: string, args: unknown): Promise<T> {
    const id = randomUUID();
    const message: Request = { t: 'req', id, from: this.opts.nodeId, op, args };
    this.stats.forwarded += 1;
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(unavailable(`the node running this bot's WhatsApp session (${nodeId}) did not answer within ${this.opts.timeoutMs} ms`));
      }, this.opts.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
    });
    try {
      if (!this.opts.redis.isReady()) throw new Error('Redis is unreachable');
      const receivers = await this.opts.redis.client.publish(this.channel(nodeId), JSON.stringify(message));
      if (receivers === 0) throw new Error(`node ${nodeId} is not listening`);
    } catch (err) {
      const entry = this.pending.get(id);
      if (entry) {
        clearTimeout(entry.timer);
        this.pending.delete(id);
      }
      this.stats.failed += 1;
      void answer.catch(() => {});
      throw unavailable(err instanceof Error ? err.message : String(err));
    }
    try {
      return (await answer) as T;
    } catch (err) {
      this.stats.failed += 1;
      throw err;
    }
  }

  async close(): Promise<void> {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(unavailable('this node is shutting down'));
      this.pending.delete(id);
    }
    if (this.sub?.isOpen) await this.sub.unsubscribe().catch(() => {});
  }

  private onMessage(raw: string): void {
    let message: Request | Response;
    try {
      message = JSON.parse(raw) as Request | Response;
    } catch {
      return;
    }
    if (message.t === 'res') {
      const p = this.pending.get(message.id);
      if (!p) return; // timed out already
      clearTimeout(p.timer);
      this.pending.delete(message.id);
      if (message.ok) p.resolve(message.data);
      else {
        const e = message.error ?? { code: 'internal', message: 'The other node failed.' };
        p.reject(new AppError(isErrorCode(e.code) ? e.code : 'internal', e.message, { retryAfter: e.retryAfter }));
      }
      return;
    }
    if (message.t === 'req') void this.serve(message);
  }

  private async serve(req: Request): Promise<void> {
    const handler = this.handlers.get(req.op);
    let res: Response;
    try {
      if (!handler) throw new AppError('internal', `Unknown cluster command ${req.op}.`);
      const data = await handler(req.args);
      res = { t: 'res', id: req.id, ok: true, data: data === undefined ? null : data };
    } catch (err) {
      const appErr = toAppError(err);
      if (appErr.status >= 500 && appErr.code !== 'service_unavailable') this.opts.log.error({ err, op: req.op }, 'forwarded command failed');
      res = { t: 'res', id: req.id, ok: false, error: { code: appErr.code, message: appErr.message, retryAfter: appErr.retryAfter } };
    }
    this.stats.served += 1;
    try {
      await this.opts.redis.client.publish(this.channel(req.from), JSON.stringify(res));
    } catch (err) {
      this.opts.log.warn({ err, op: req.op }, 'could not answer a forwarded command (Redis unreachable)');
    }
  }
}

function unavailable(why: string): AppError {
  return new AppError('service_unavailable', `This bot's WhatsApp session runs on another node that cannot be reached right now (${why}). Try again in a moment.`, {
    retryAfter: 5,
  });
}
