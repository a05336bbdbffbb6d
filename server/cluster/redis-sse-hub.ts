import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ServerEventName, ServerEventPayload, SessionStatus } from '@/lib/realtime/events';
import { closeClientsOf, openGated, toSseData, type SseBroker, type SseClient, type SseData, type SseEvent } from '../realtime/sse-hub';
import type { RedisClient, RedisConnection } from './redis';

// Server-Sent Events across nodes. Each bot's events live in a Redis stream whose entry ids are
// the SSE ids (`<n>-0`, n = 1, 2, 3…), trimmed to the newest ~200: that is the Last-Event-ID
// resume buffer, shared by every node. One script appends the event and publishes it on one
// channel; every node (the publisher too) delivers it to its own subscribers of that bot.
//
// Redis down: the publishing node still delivers to its own subscribers at once (without an id,
// so their Last-Event-ID stays on the last numbered event) and appends the event for everyone
// else when Redis is back. A node whose subscription dropped fills the gap from the stream.

// KEYS[1] the bot's stream. ARGV: data JSON, max length, ttl ms, channel, the rest of the message JSON, event uid.
const APPEND = `
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local seq = 1
if #last > 0 then seq = tonumber(string.match(last[1][1], '^(%d+)')) + 1 end
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], seq .. '-0', 'd', ARGV[1], 'u', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PUBLISH', ARGV[4], '{"i":' .. seq .. ',' .. ARGV[5])
return seq
`;

const STREAM_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_HELD = 10_000;

interface Message {
  i: number;
  b: string;
  u: string;
  d: SseData;
}

type Entry = { id: string; message: Record<string, string> };

const seqOf = (entryId: string) => Number(entryId.split('-')[0]);

export class RedisSseHub implements SseBroker {
  private readonly clients = new Map<string, Set<SseClient>>();
  private readonly status = new Map<string, SessionStatus>();
  /** Newest id this node has seen per bot (gap detection and fill). */
  private readonly seen = new Map<string, number>();
  /** Published here while Redis was down: this node's subscribers already have them. */
  private readonly deliveredHere = new Set<string>();
  private readonly held: { botId: string; uid: string; data: SseData }[] = [];
  private sub?: RedisClient;
  private flushing = false;

  constructor(
    private readonly opts: {
      redis: RedisConnection;
      log: Logger;
      bufferSize?: number;
    },
  ) {}

  private get channel(): string {
    return `${this.opts.redis.prefix}sse`;
  }

  private stream(botId: string): string {
    return `${this.opts.redis.prefix}sse:${botId}`;
  }

  async start(): Promise<void> {
    this.sub = await this.opts.redis.duplicate();
    this.sub.on('ready', () => void this.catchUp());
    await this.sub.subscribe(this.channel, (raw) => this.onMessage(raw));
    this.opts.redis.onReady(() => void this.catchUp());
  }

  async close(): Promise<void> {
    if (this.sub?.isOpen) await this.sub.unsubscribe().catch(() => {});
  }

  dispatch<E extends ServerEventName>(rooms: readonly string[], event: E, payload: ServerEventPayload<E>): void {
    for (const room of rooms) {
      if (!room.startsWith('session:')) continue;
      const botId = room.slice('session:'.length);
      const data = toSseData(botId, event, payload, this.status.get(botId) ?? 'DISCONNECTED');
      if (!data) continue;
      this.status.set(botId, data.status);
      const uid = randomUUID();
      if (!this.opts.redis.isReady() || this.held.length > 0) {
        this.deliverHereNow(botId, uid, data);
        continue;
      }
      this.append(botId, uid, data).catch(() => this.deliverHereNow(botId, uid, data));
    }
  }

  open(botId: string, client: SseClient, lastId: number | null, snapshot: () => Promise<SseData>): Promise<() => void> {
    return openGated(this, botId, client, lastId, snapshot);
  }

  subscribe(botId: string, client: SseClient): () => void {
    let set = this.clients.get(botId);
    if (!set) this.clients.set(botId, (set = new Set()));
    set.add(client);
    return () => {
      set.delete(client);
      if (set.size === 0 && this.clients.get(botId) === set) this.clients.delete(botId);
    };
  }

  /** Events after `lastId` from the shared buffer; null when it does not reach back that far (or Redis is down). */
  async since(botId: string, lastId: number): Promise<(SseEvent & { uid?: string })[] | null> {
    if (!this.opts.redis.isReady()) return null;
    try {
      const key = this.stream(botId);
      const [first, last, after] = (await this.opts.redis.client
        .multi()
        .xRange(key, '-', '+', { COUNT: 1 })
        .xRevRange(key, '+', '-', { COUNT: 1 })
        .xRange(key, `${lastId + 1}-0`, '+')
        .exec()) as unknown as [Entry[], Entry[], Entry[]];
      const firstSeq = first[0] ? seqOf(first[0].id) : undefined;
      const lastSeq = last[0] ? seqOf(last[0].id) : 0;
      if (firstSeq === undefined) return lastId === 0 ? [] : null;
      if (lastId > lastSeq || firstSeq > lastId + 1) return null;
      return after.map((e) => ({ id: seqOf(e.id), uid: e.message.u, data: JSON.parse(e.message.d ?? '{}') as SseData }));
    } catch (err) {
      this.opts.log.warn({ err, botId }, 'reading the SSE buffer from Redis failed');
      return null;
    }
  }

  async lastId(botId: string): Promise<number> {
    if (this.opts.redis.isReady()) {
      try {
        const [last] = (await this.opts.redis.client.xRevRange(this.stream(botId), '+', '-', { COUNT: 1 })) as Entry[];
        return last ? seqOf(last.id) : 0;
      } catch {
        // below
      }
    }
    return this.seen.get(botId) ?? 0;
  }

  closeAll(): void {
    for (const set of this.clients.values()) for (const c of [...set]) c.close();
  }

  closeFor(userId: string, workspaceId: string): number {
    return closeClientsOf(this.clients.values(), userId, workspaceId);
  }

  clientCount(): number {
    let n = 0;
    for (const set of this.clients.values()) n += set.size;
    return n;
  }

  /** Events kept for the other nodes while Redis was down (metrics, tests). */
  heldCount(): number {
    return this.held.length;
  }

  // --- internals ---

  private async append(botId: string, uid: string, data: SseData): Promise<number> {
    const rest = `"b":${JSON.stringify(botId)},"u":${JSON.stringify(uid)},"d":${JSON.stringify(data)}}`;
    const seq = await this.opts.redis.client.eval(APPEND, {
      keys: [this.stream(botId)],
      arguments: [JSON.stringify(data), String(this.opts.bufferSize ?? 200), String(STREAM_TTL_MS), this.channel, rest, uid],
    });
    return Number(seq);
  }

  /** Redis is unreachable: this node's subscribers get it now; the others once Redis is back. */
  private deliverHereNow(botId: string, uid: string, data: SseData): void {
    for (const c of this.clients.get(botId) ?? []) c.send({ data });
    this.deliveredHere.add(uid);
    this.held.push({ botId, uid, data });
    if (this.held.length > MAX_HELD) this.deliveredHere.delete(this.held.shift()!.uid);
    void this.flush();
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.held.length > 0 && this.opts.redis.isReady()) {
        const next = this.held[0]!;
        try {
          await this.append(next.botId, next.uid, next.data);
        } catch {
          return; // still down: the next ready event retries
        }
        this.held.shift();
      }
    } finally {
      this.flushing = false;
    }
  }

  private onMessage(raw: string): void {
    let m: Message;
    try {
      m = JSON.parse(raw) as Message;
    } catch {
      return;
    }
    this.deliver(m.b, m.i, m.d, m.u);
  }

  private deliver(botId: string, id: number, data: SseData, uid?: string): void {
    const before = this.seen.get(botId) ?? 0;
    if (id > before) this.seen.set(botId, id);
    this.status.set(botId, data.status);
    if (uid && this.deliveredHere.delete(uid)) return; // this node's subscribers had it during the outage
    const clients = this.clients.get(botId);
    if (!clients) return;
    // A gap means this node missed messages (its subscription dropped): fill it from the stream.
    if (before > 0 && id > before + 1) void this.fill(botId, before);
    for (const c of clients) c.send({ id, data });
  }

  /** After an outage or a dropped subscription: what this node's subscribers may have missed. */
  private async catchUp(): Promise<void> {
    await this.flush();
    for (const botId of this.clients.keys()) await this.fill(botId, this.seen.get(botId) ?? 0);
  }

  private async fill(botId: string, after: number): Promise<void> {
    const missed = await this.since(botId, after);
    if (!missed) return;
    const clients = this.clients.get(botId);
    for (const { uid, ...e } of missed) {
      if (e.id !== undefined && e.id > (this.seen.get(botId) ?? 0)) this.seen.set(botId, e.id);
      if (uid && this.deliveredHere.delete(uid)) continue;
      for (const c of clients ?? []) c.send(e);
    }
  }
}
