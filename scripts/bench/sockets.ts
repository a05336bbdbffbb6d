// Benchmark (issue 7): N authenticated socket.io clients on one production server.
// Clients are spread over several generator processes (socket-load.ts), each with its open-file
// limit raised; every client goes through the real auth middleware with one user's session
// cookie, so all of them are in that user's workspace room. Reported: connect rate, the server's
// RSS and heap per connection (from /api/metrics, read before and after), and the delivery
// latency of a real workspace broadcast (a bot renamed through the REST API → `bot_status_update`
// at every client; send and receipt times are both this machine's wall clock).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from '@/test/http-client';
import { startServer } from '@/test/spawn-server';
import { createPostgresDatabase } from '@/test/test-db';
import { stats, type Stats } from './scan-latency';

export interface SocketsResult {
  /** before | after (Socket.IO tuning), or whatever BENCH_TAG said. */
  tag: string;
  /** The server's database: the embedded one lives in the server's memory (its RSS), PostgreSQL does not. */
  db?: 'pglite' | 'postgres';
  requested: number;
  connected: number;
  failed: number;
  errors: Record<string, number>;
  generators: number;
  /** Authenticated connections the server itself reports (parley_socket_connections). */
  serverConnections: number;
  connectSeconds: number;
  connectPerSec: number;
  /** One handshake, open → Parley's `connected` greeting, as each generator saw it (ms). */
  handshakeMs: Stats;
  memory: {
    before: MemoryFigures;
    after: MemoryFigures;
    rssPerConnectionKiB: number;
    heapPerConnectionKiB: number;
  };
  broadcasts: number;
  /** Receipts of all broadcasts at all clients; must be broadcasts × connected. */
  delivered: number;
  /** Rename request sent → `bot_status_update` at each client (ms), all broadcasts pooled. */
  deliveryMs: Stats;
  /** Per broadcast: until the last client had it (ms). */
  lastClientMs: number[];
  unexpectedDisconnects: number;
}

export interface MemoryFigures {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FD_LIMIT = 65_536;

async function memory(url: string): Promise<MemoryFigures & { sockets: number }> {
  const text = await (await fetch(`${url}/api/metrics`)).text();
  const get = (name: string) => {
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
    if (!m) throw new Error(`/api/metrics has no ${name}`);
    return Number(m[1]);
  };
  return {
    rssBytes: get('process_resident_memory_bytes'),
    heapUsedBytes: get('nodejs_heap_size_used_bytes'),
    heapTotalBytes: get('nodejs_heap_size_total_bytes'),
    externalBytes: get('nodejs_external_memory_bytes'),
    sockets: get('parley_socket_connections'),
  };
}

interface Generator {
  proc: ChildProcess;
  send(cmd: Record<string, unknown>): void;
  /** Resolves with the next message of this type (bounded by `ms`). */
  next<T>(type: string, ms: number, match?: (m: T) => boolean): Promise<T>;
}

function spawnGenerator(url: string, cookie: string, count: number, concurrency: number): Generator {
  const script = path.join(import.meta.dirname, 'socket-load.ts');
  // A shell raises the open-file limit, then becomes node (same pid: killing it kills the load).
  const proc = spawn(
    'sh',
    ['-c', `ulimit -n ${FD_LIMIT} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`, process.execPath, '--import', 'tsx', script, url, String(count), String(concurrency)],
    { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, BENCH_COOKIE: cookie } },
  );
  const waiters: { type: string; match?: (m: never) => boolean; resolve: (m: unknown) => void; reject: (err: Error) => void }[] = [];
  proc.once('exit', (code) => {
    for (const w of waiters.splice(0)) w.reject(new Error(`generator ${proc.pid} exited with ${code} while waiting for ${w.type}`));
  });
  const backlog: { type: string }[] = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    let msg: { type: string };
    try {
      msg = JSON.parse(line) as { type: string };
    } catch {
      return;
    }
    const i = waiters.findIndex((w) => w.type === msg.type && (!w.match || w.match(msg as never)));
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(msg);
    else backlog.push(msg);
  });
  return {
    proc,
    send: (cmd) => proc.stdin!.write(`${JSON.stringify(cmd)}\n`),
    next<T>(type: string, ms: number, match?: (m: T) => boolean) {
      const i = backlog.findIndex((m) => m.type === type && (!match || match(m as T)));
      if (i >= 0) return Promise.resolve(backlog.splice(i, 1)[0] as T);
      return new Promise<T>((resolve, reject) => {
        if (proc.exitCode !== null) return reject(new Error(`generator ${proc.pid} exited with ${proc.exitCode} before ${type}`));
        const timer = setTimeout(() => reject(new Error(`generator ${proc.pid}: no ${type} within ${ms} ms`)), ms);
        waiters.push({
          type,
          match: match as ((m: never) => boolean) | undefined,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m as T);
          },
          reject: (err) => {
            clearTimeout(timer);
            reject(err);
          },
        });
      });
    },
  };
}

export async function socketsBench(opts: {
  sockets: number;
  tag: string;
  db?: 'pglite' | 'postgres';
  generators?: number;
  broadcasts?: number;
  concurrency?: number;
  /** Extra node flags for the server (a CPU profile: `--cpu-prof`). */
  serverNodeArgs?: string[];
}): Promise<SocketsResult> {
  const db = opts.db ?? 'pglite';
  const generators = opts.generators ?? Math.max(1, Math.min(4, Math.ceil(opts.sockets / 2_500)));
  const broadcasts = opts.broadcasts ?? 5;
  const concurrency = opts.concurrency ?? 32;
  const pg = db === 'postgres' ? await createPostgresDatabase() : undefined;
  const server = await startServer({
    mode: 'production',
    env: { WHATSAPP_ENGINE: 'simulator', LOG_LEVEL: 'warn', ...(pg ? { DATABASE_URL: pg.url } : {}) },
    fdLimit: FD_LIMIT,
    nodeArgs: opts.serverNodeArgs,
  });
  const gens: Generator[] = [];
  try {
    const client = new Client(server.url);
    const signUp = await client.json('POST', '/api/v1/auth/sign-up', { email: `sockets-${Date.now()}@example.com`, password: 'bench-password', name: 'Bench' });
    if (signUp.status !== 201) throw new Error(`sign-up failed: ${signUp.status}`);
    const bot = await client.json<{ id: string }>('POST', '/api/v1/bots', { name: 'Broadcast bot' });
    if (bot.status !== 201) throw new Error(`create bot failed: ${bot.status}`);
    // Warm the metrics route (first request compiles nothing in production, but loads modules).
    await memory(server.url);
    await sleep(1_000);
    const before = await memory(server.url);

    const per = Array.from({ length: generators }, (_, i) => Math.floor(opts.sockets / generators) + (i < opts.sockets % generators ? 1 : 0));
    const started = Date.now();
    for (const n of per) gens.push(spawnGenerator(server.url, client.cookie!, n, concurrency));
    type Connected = { ok: number; failed: number; errors: Record<string, number>; started: number; finished: number; connectMs: number[] };
    // Bounded: at worst every socket times out (30 s), in batches of `concurrency`.
    const budget = 120_000 + Math.ceil(opts.sockets / generators / concurrency) * 30_000;
    const reports = await Promise.all(gens.map((g) => g.next<Connected>('connected', budget)));
    const connected = reports.reduce((n, r) => n + r.ok, 0);
    const failed = reports.reduce((n, r) => n + r.failed, 0);
    const errors: Record<string, number> = {};
    for (const r of reports) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
    const finished = Math.max(...reports.map((r) => r.finished));
    const connectSeconds = (finished - started) / 1000;
    const handshakeMs = stats(reports.flatMap((r) => r.connectMs));
    console.log(`  sockets: ${connected}/${opts.sockets} connected in ${connectSeconds.toFixed(1)} s (${failed} failed ${JSON.stringify(errors)})`);

    // Let the handshakes' garbage and timers settle before reading memory.
    await sleep(5_000);
    const after = await memory(server.url);

    const latencies: number[] = [];
    const lastClientMs: number[] = [];
    let delivered = 0;
    let unexpectedDisconnects = 0;
    for (let b = 0; b < broadcasts; b++) {
      const name = `bench-broadcast-${b}-${Date.now()}`;
      for (const g of gens) g.send({ cmd: 'watch', name });
      await sleep(200); // the watch command reaches every generator first
      const t0 = Date.now();
      const res = await client.json('PATCH', `/api/v1/bots/${bot.body.id}`, { name });
      if (res.status !== 200) throw new Error(`rename failed: ${res.status}`);
      // Everyone has it, or 30 s passed: then what arrived is what counts (missing ones show as delivered < expected).
      await Promise.allSettled(gens.map((g) => g.next<{ name: string }>('got', 30_000, (m) => m.name === name)));
      let last = 0;
      for (const g of gens) {
        g.send({ cmd: 'receipts', name });
        const r = await g.next<{ times: number[]; unexpectedDisconnects: number }>('receipts', 30_000, (m) => (m as unknown as { name: string }).name === name);
        for (const t of r.times) {
          latencies.push(t - t0);
          last = Math.max(last, t - t0);
        }
        delivered += r.times.length;
        if (b === broadcasts - 1) unexpectedDisconnects += r.unexpectedDisconnects; // cumulative per generator
      }
      lastClientMs.push(last);
      console.log(`  broadcast ${b + 1}/${broadcasts}: last client after ${last} ms`);
      await sleep(1_000);
    }

    for (const g of gens) g.send({ cmd: 'close' });
    await Promise.allSettled(gens.map((g) => g.next('closed', 30_000)));
    const kib = (bytes: number) => Math.round((bytes / 1024 / Math.max(1, connected)) * 100) / 100;
    return {
      tag: opts.tag,
      db,
      requested: opts.sockets,
      connected,
      failed,
      errors,
      generators,
      serverConnections: after.sockets,
      connectSeconds: Math.round(connectSeconds * 100) / 100,
      connectPerSec: Math.round(connected / connectSeconds),
      handshakeMs,
      memory: {
        before: { rssBytes: before.rssBytes, heapUsedBytes: before.heapUsedBytes, heapTotalBytes: before.heapTotalBytes, externalBytes: before.externalBytes },
        after: { rssBytes: after.rssBytes, heapUsedBytes: after.heapUsedBytes, heapTotalBytes: after.heapTotalBytes, externalBytes: after.externalBytes },
        rssPerConnectionKiB: kib(after.rssBytes - before.rssBytes),
        heapPerConnectionKiB: kib(after.heapUsedBytes - before.heapUsedBytes),
      },
      broadcasts,
      delivered,
      deliveryMs: stats(latencies.length ? latencies : [NaN]),
      lastClientMs,
      unexpectedDisconnects,
    };
  } finally {
    for (const g of gens) if (g.proc.exitCode === null) g.proc.kill('SIGKILL');
    await server.stop();
    await pg?.drop();
  }
}
