// Benchmarks for several nodes (README "Running several nodes").
//
// cross-node: what Redis adds to an event's way to a browser. One trial renames a bot through
// node A's REST API (A publishes bot_status_update to the workspace) and times, from the request,
// the event at a socket client on A and at one on B (same process, same clock). The same trials
// run against a single node without Redis (the in-memory adapter), on PostgreSQL as well, for
// the baseline.
//
// takeover: kill -9 of the node running a linked session → CONNECTED pushed by the other node,
// with the default lease settings (SESSION_LEASE_TTL_MS=15000, SESSION_LEASE_RENEW_MS=5000).
import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { FAST_LEASES, startCluster } from '@/test/cluster';
import { Client } from '@/test/http-client';
import { type RunningServer, startServer } from '@/test/spawn-server';
import { createPostgresDatabase } from '@/test/test-db';
import { stats, type Stats } from './scan-latency';

export interface CrossNodeResult {
  trials: number;
  /** One node, no Redis: request sent → event at a client of that node (ms). */
  singleNode: Stats;
  /** Two nodes: request sent (to A) → event at a client of A (ms). */
  sameNode: Stats;
  /** Two nodes: request sent (to A) → event at a client of B (ms). */
  otherNode: Stats;
  /** Per trial: event at B − event at A (ms): the cross-node hop itself. */
  hop: Stats;
}

export interface TakeoverResult {
  trials: number;
  ttlMs: number;
  renewMs: number;
  /** kill -9 → CONNECTED received from the node that took the session over (ms). */
  killToConnected: Stats;
  samples: number[];
}

// Bot renames are limited to 60 a minute per user: a new user (and bot) every 50 trials.
const PER_USER = 50;

interface Probe {
  socket: Socket;
  next(name: string): Promise<number>;
}

function probe(url: string, cookie: string): Promise<Probe> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie } });
  const waiting = new Map<string, (at: number) => void>();
  socket.on('bot_status_update', (p: { name: string }) => waiting.get(p.name)?.(performance.now()));
  return new Promise((resolve, reject) => {
    socket.once('connected', () =>
      resolve({
        socket,
        next: (name) =>
          new Promise<number>((done, fail) => {
            const timer = setTimeout(() => fail(new Error(`no event for ${name} at ${url}`)), 10_000);
            waiting.set(name, (at) => {
              clearTimeout(timer);
              waiting.delete(name);
              done(at);
            });
          }),
      }),
    );
    socket.once('connect_error', reject);
  });
}

async function account(base: string): Promise<{ client: Client; botId: string }> {
  const client = new Client(base);
  const up = await client.json('POST', '/api/v1/auth/sign-up', { email: `bench-${randomBytes(4).toString('hex')}@example.com`, password: 'bench-password', name: 'Bench' });
  if (up.status !== 201) throw new Error(`sign-up failed: ${up.status}`);
  const bot = await client.json<{ id: string }>('POST', '/api/v1/bots', { name: 'Bench bot' });
  return { client, botId: bot.body.id };
}

/** Runs `trials` renames through `publisher`, timing the event at each of `observers` (URLs). */
async function renames(publisher: string, observers: string[], trials: number): Promise<number[][]> {
  const samples: number[][] = observers.map(() => []);
  for (let done = 0; done < trials; ) {
    const { client, botId } = await account(publisher);
    const probes = await Promise.all(observers.map((url) => probe(url, client.cookie!)));
    try {
      const warmup = done === 0 ? 5 : 0;
      for (let i = 0; i < PER_USER + warmup && done < trials; i++) {
        const name = `n${done}-${i}-${randomBytes(3).toString('hex')}`;
        const arrivals = probes.map((p) => p.next(name));
        const sent = performance.now();
        const res = await client.json('PATCH', `/api/v1/bots/${botId}`, { name });
        if (res.status !== 200) throw new Error(`rename failed: ${res.status}`);
        const at = await Promise.all(arrivals);
        if (i >= warmup) {
          at.forEach((t, k) => samples[k]!.push(t - sent));
          done += 1;
        }
      }
    } finally {
      for (const p of probes) p.socket.close();
    }
  }
  return samples;
}

export async function crossNodeBench(opts: { trials: number }): Promise<CrossNodeResult> {
  // The baseline on PostgreSQL too, so only Redis and the second node differ.
  const database = await createPostgresDatabase();
  const single = await startServer({ mode: 'production', env: { LOG_LEVEL: 'warn', DATABASE_URL: database.url } });
  let singleNode: number[];
  try {
    [singleNode] = (await renames(single.url, [single.url], opts.trials)) as [number[]];
  } finally {
    await single.stop();
    await database.drop();
  }
  const cluster = await startCluster({ nodes: 2, env: { LOG_LEVEL: 'warn' } });
  try {
    const [a, b] = cluster.nodes as [RunningServer, RunningServer];
    const [same, other] = (await renames(a.url, [a.url, b.url], opts.trials)) as [number[], number[]];
    return {
      trials: opts.trials,
      singleNode: stats(singleNode),
      sameNode: stats(same),
      otherNode: stats(other),
      hop: stats(other.map((t, i) => t - same[i]!)),
    };
  } finally {
    await cluster.cleanup();
  }
}

export async function takeoverBench(opts: { trials: number; fast?: boolean }): Promise<TakeoverResult> {
  const leases = opts.fast ? FAST_LEASES : { SESSION_LEASE_TTL_MS: '15000', SESSION_LEASE_RENEW_MS: '5000' };
  const samples: number[] = [];
  for (let t = 0; t < opts.trials; t++) {
    const cluster = await startCluster({ nodes: 2, env: { WHATSAPP_ENGINE: 'simulator', SIMULATOR_RESTART_MS: '20', LOG_LEVEL: 'warn', ...leases } });
    try {
      const [a, b] = cluster.nodes as [RunningServer, RunningServer];
      const { client, botId } = await account(a.url);
      await client.json('POST', `/api/v1/bots/${botId}/connect`, { method: 'qr' });
      for (let i = 0; ; i++) {
        if ((await client.json('POST', `/api/dev/simulator/bots/${botId}/scan`, {})).status === 200) break;
        if (i > 100) throw new Error('no QR to scan');
        await new Promise((r) => setTimeout(r, 100));
      }
      const watcher = io(b.url, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie: client.cookie! } });
      const statuses: { status: string; at: number }[] = [];
      watcher.on('session_status_changed', (p: { botId: string; status: string }) => {
        if (p.botId === botId) statuses.push({ status: p.status, at: performance.now() });
      });
      await new Promise((r) => watcher.once('connected', r));
      for (let i = 0; !statuses.some((s) => s.status === 'CONNECTED'); i++) {
        // Linked already before the watcher joined: read it from the API instead.
        const bot = await client.json<{ status: string }>('GET', `/api/v1/bots/${botId}`);
        if (bot.body.status === 'CONNECTED') break;
        if (i > 100) throw new Error('never linked');
        await new Promise((r) => setTimeout(r, 100));
      }
      statuses.length = 0;
      const killed = performance.now();
      await a.kill();
      const deadline = killed + 60_000;
      while (!statuses.some((s) => s.status === 'CONNECTED')) {
        if (performance.now() > deadline) throw new Error('no takeover within 60 s');
        await new Promise((r) => setTimeout(r, 20));
      }
      samples.push(Math.round(statuses.find((s) => s.status === 'CONNECTED')!.at - killed));
      watcher.close();
    } finally {
      await cluster.cleanup();
    }
  }
  return {
    trials: opts.trials,
    ttlMs: Number(leases.SESSION_LEASE_TTL_MS),
    renewMs: Number(leases.SESSION_LEASE_RENEW_MS),
    killToConnected: stats(samples),
    samples,
  };
}
