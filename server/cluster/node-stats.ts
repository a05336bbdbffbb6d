import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { RedisHealth } from '@/lib/cluster/cluster-info';
import type { RedisConnection } from './redis';

// Per-node figures for /api/metrics. Each node writes its own to a Redis hash every few seconds,
// so any node can report the whole cluster; without Redis a node reports itself only.

export interface NodeFigures {
  socketConnections: number;
  sseConnections: number;
  runningSessions: number;
}

export interface NodeStatsOptions {
  nodeId: string;
  redis?: RedisConnection;
  intervalMs: number;
  log: Logger;
  figures(): NodeFigures;
  /** Live leases per node (from the database). */
  ownedByNode(): Promise<Map<string, number>>;
  counters(): Record<string, number>;
  heldForRedis(): number;
  /** This node's Socket.IO send buffers (SOCKET_MAX_BUFFERED_BYTES). */
  socketBuffers?(): { peakBytes: number; limitBytes: number };
}

export class NodeStats {
  private timer?: NodeJS.Timeout;
  /** This process, as opposed to another one (or an earlier one) under the same NODE_ID. */
  readonly incarnation = randomBytes(6).toString('hex');

  constructor(private readonly opts: NodeStatsOptions) {}

  private get key(): string {
    return `${this.opts.redis?.prefix ?? ''}nodes`;
  }

  start(): void {
    if (!this.opts.redis) return;
    const beat = () => void this.publish();
    beat();
    this.timer = setInterval(beat, this.opts.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    const redis = this.opts.redis;
    if (redis?.isReady()) await redis.client.hDel(this.key, this.opts.nodeId).catch(() => {});
  }

  /**
   * Refuses a NODE_ID that a running node already uses: two processes under one id would both
   * count as the owner of its session leases. A fresh entry from another process that stops
   * moving within one interval was a node that died (a restart after a crash): that is fine.
   */
  async ensureUniqueNodeId(): Promise<void> {
    const redis = this.opts.redis;
    if (!redis) return;
    const read = async () => {
      const raw = await redis.client.hGet(this.key, this.opts.nodeId);
      return raw ? (JSON.parse(raw) as { at: number; incarnation?: string }) : null;
    };
    const first = await read();
    if (!first || first.incarnation === this.incarnation || Date.now() - first.at > 3 * this.opts.intervalMs) return;
    this.opts.log.info({ node: this.opts.nodeId }, 'another process used this NODE_ID moments ago; checking that it is gone');
    await new Promise((r) => setTimeout(r, this.opts.intervalMs + 1_000));
    const second = await read();
    if (second && second.incarnation !== this.incarnation && second.at > first.at) {
      throw new Error(`NODE_ID ${this.opts.nodeId} is in use by another running node; give every node its own NODE_ID`);
    }
  }

  async redisHealth(): Promise<RedisHealth> {
    const redis = this.opts.redis;
    if (!redis) return { status: 'disabled' };
    if (!redis.isReady()) return { status: 'down' };
    try {
      return { status: 'ok', latencyMs: Math.round((await redis.ping(1_000)) * 100) / 100 };
    } catch {
      return { status: 'down' };
    }
  }

  private async publish(): Promise<void> {
    const redis = this.opts.redis;
    if (!redis?.isReady()) return;
    const value = JSON.stringify({ ...this.opts.figures(), at: Date.now(), incarnation: this.incarnation });
    await redis.client.hSet(this.key, this.opts.nodeId, value).catch((err: unknown) => this.opts.log.debug({ err }, 'node stats not published'));
  }

  /** Every node with recent figures (this one always, from memory). */
  private async allFigures(): Promise<Map<string, NodeFigures>> {
    const all = new Map<string, NodeFigures>();
    const redis = this.opts.redis;
    if (redis?.isReady()) {
      try {
        const raw = await redis.client.hGetAll(this.key);
        const fresh = Date.now() - 3 * this.opts.intervalMs;
        const forgotten = Date.now() - 60 * 60 * 1000;
        for (const [node, json] of Object.entries(raw)) {
          const f = JSON.parse(json) as NodeFigures & { at: number };
          if (f.at >= fresh) all.set(node, { socketConnections: f.socketConnections, sseConnections: f.sseConnections, runningSessions: f.runningSessions });
          // A node that crashed an hour ago left its figures behind.
          else if (f.at < forgotten) await redis.client.hDel(this.key, node);
        }
      } catch (err) {
        this.opts.log.debug({ err }, 'reading node stats failed');
      }
    }
    all.set(this.opts.nodeId, this.opts.figures());
    return all;
  }

  async prometheus(): Promise<string> {
    const nodes = await this.allFigures();
    let owned = new Map<string, number>();
    try {
      owned = await this.opts.ownedByNode();
    } catch (err) {
      this.opts.log.debug({ err }, 'reading lease owners failed');
    }
    const redis = await this.redisHealth();
    const out: string[] = [];
    const metric = (name: string, type: 'gauge' | 'counter', help: string, rows: [Record<string, string>, number][]) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of rows) {
        const l = Object.entries(labels)
          .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
          .join(',');
        out.push(`${name}${l ? `{${l}}` : ''} ${value}`);
      }
    };
    const me = this.opts.nodeId;
    const all = [...new Set([...nodes.keys(), ...owned.keys()])].sort();
    metric('parley_node_info', 'gauge', 'The node that answered this scrape (1).', [[{ node: me }, 1]]);
    metric('parley_cluster_nodes', 'gauge', 'Nodes that reported figures in the last three intervals (1 without Redis).', [[{}, nodes.size]]);
    metric(
      'parley_socket_connections',
      'gauge',
      'Authenticated Socket.IO connections per node.',
      [...nodes].map(([node, f]) => [{ node }, f.socketConnections]),
    );
    metric('parley_sse_connections', 'gauge', 'Open Server-Sent Events streams per node.', [...nodes].map(([node, f]) => [{ node }, f.sseConnections]));
    metric(
      'parley_owned_sessions',
      'gauge',
      'WhatsApp sessions whose lease each node holds (from the database).',
      all.map((node) => [{ node }, owned.get(node) ?? 0]),
    );
    metric(
      'parley_running_sessions',
      'gauge',
      'WhatsApp sessions with a live engine connection per node.',
      [...nodes].map(([node, f]) => [{ node }, f.runningSessions]),
    );
    if (redis.status !== 'disabled') {
      metric('parley_redis_up', 'gauge', 'Redis answers this node (1) or not (0).', [[{ node: me }, redis.status === 'ok' ? 1 : 0]]);
      metric('parley_redis_held_events', 'gauge', 'Cross-node events this node keeps until Redis is back.', [[{ node: me }, this.opts.heldForRedis()]]);
    }
    const buffers = this.opts.socketBuffers?.();
    if (buffers) {
      metric('parley_socket_buffered_bytes_limit', 'gauge', 'Bytes that may wait for one Socket.IO client before it is disconnected.', [[{ node: me }, buffers.limitBytes]]);
      metric('parley_socket_buffered_bytes_peak', 'gauge', 'The most bytes seen waiting for one Socket.IO client since this node started.', [[{ node: me }, buffers.peakBytes]]);
    }
    // This process's memory, under the names Prometheus' own Node.js client uses: the benchmarks
    // read RSS and heap per connection from here, and so can an operator.
    const mem = process.memoryUsage();
    metric('process_resident_memory_bytes', 'gauge', 'Resident memory size of this node in bytes.', [[{ node: me }, mem.rss]]);
    metric('nodejs_heap_size_used_bytes', 'gauge', 'V8 heap in use by this node in bytes.', [[{ node: me }, mem.heapUsed]]);
    metric('nodejs_heap_size_total_bytes', 'gauge', 'V8 heap reserved by this node in bytes.', [[{ node: me }, mem.heapTotal]]);
    metric('nodejs_external_memory_bytes', 'gauge', 'Memory outside the V8 heap held by JavaScript objects (buffers) in bytes.', [[{ node: me }, mem.external]]);
    for (const [name, value] of Object.entries(this.opts.counters())) {
      metric(`parley_${name}_total`, 'counter', COUNTER_HELP[name] ?? name, [[{ node: me }, value]]);
    }
    return `${out.join('\n')}\n`;
  }
}

const COUNTER_HELP: Record<string, string> = {
  lease_takeovers: 'Sessions this node took over from a node that stopped renewing its lease.',
  leases_lost: 'Leases this node lost (it stopped those sessions at once).',
  forwarded_commands: 'Session commands this node forwarded to the node owning the session.',
  forwarded_failures: 'Forwarded commands that got no answer (503).',
  served_commands: 'Session commands other nodes forwarded to this node.',
  slow_consumer_disconnects: 'Socket.IO clients disconnected for not reading (SOCKET_MAX_BUFFERED_BYTES waiting for them).',
};
