// Benchmark: signed Cloud API webhooks → stored → `new_message` at a connected socket client.
// Boots the production server (PGlite, or a fresh PostgreSQL database) with a local fake Graph
// API, links a Cloud API bot through the real credentials endpoint, then posts one message per
// webhook at increasing offered rates (open loop, bounded in-flight), measuring what was
// persisted (200 answered), what reached the client, and the webhook → client latency.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client, dialOk } from '@/test/http-client';
import { FAKE_PHONE_NUMBER_ID, cloudTextMessage, signWebhook, startFakeGraph, wamid, webhookFor } from '@/test/fake-graph-server';
import { startServer } from '@/test/spawn-server';
import { createPostgresDatabase } from '@/test/test-db';
import { stats, type Stats } from './scan-latency';

export interface IngestStep {
  offeredPerSec: number;
  sent: number;
  /** Answered 200: stored before the answer. */
  accepted: number;
  rejected: number;
  /** Reached the socket client as new_message. */
  delivered: number;
  /** accepted − delivered after the drain: must be 0. */
  lost: number;
  persistedPerSec: number;
  deliveredPerSec: number;
  /** POST sent → new_message at the client (ms). */
  latency: Stats;
  /** POST round trip (ms). */
  ack: Stats;
  /**
   * CPU the server process used for the step (user + system, ms per accepted message). Unlike
   * msg/s this hardly depends on what else the machine is running; the database server's own
   * CPU is not included.
   */
  serverCpuMsPerMessage?: number;
}

export interface IngestResult {
  db: 'pglite' | 'postgres';
  secondsPerStep: number;
  maxInFlight: number;
  contacts: number;
  steps: IngestStep[];
  /** Stored messages the server reports for the bot at the end (GET /api/v1/bots messagesToday). */
  storedAtEnd: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function ingestBench(opts: {
  db: 'pglite' | 'postgres';
  rates: number[];
  secondsPerStep: number;
  maxInFlight?: number;
  contacts?: number;
  /** Extra node flags for the server (a CPU profile while it ingests). */
  serverNodeArgs?: string[];
}): Promise<IngestResult> {
  const maxInFlight = opts.maxInFlight ?? 256;
  const contacts = opts.contacts ?? 50;
  const accessToken = `EAAG${randomBytes(24).toString('hex')}`;
  const appSecret = randomBytes(16).toString('hex');
  const graph = await startFakeGraph({ accessToken });
  const pg = opts.db === 'postgres' ? await createPostgresDatabase() : undefined;
  const server = await startServer({
    mode: 'production',
    env: { WHATSAPP_GRAPH_URL: graph.url, LOG_LEVEL: 'warn', ...(pg ? { DATABASE_URL: pg.url } : {}) },
    nodeArgs: opts.serverNodeArgs,
  });
  try {
    const client = new Client(server.url);
    const signUp = await client.json('POST', '/api/v1/auth/sign-up', { email: `ingest-${Date.now()}@example.com`, password: 'bench-password', name: 'Bench' });
    if (signUp.status !== 201) throw new Error(`sign-up failed: ${signUp.status}`);
    const bot = await client.json<{ id: string }>('POST', '/api/v1/bots', { name: 'Ingest bot', channel: 'cloud_api' });
    const link = await client.json('PUT', `/api/v1/bots/${bot.body.id}/cloud-api`, {
      phoneNumberId: FAKE_PHONE_NUMBER_ID,
      accessToken,
      appSecret,
      verifyToken: 'bench-verify-token',
    });
    if (link.status !== 200) throw new Error(`linking the Cloud API bot failed: ${link.status} ${JSON.stringify(link.body)}`);

    const { socket } = await dialOk(server.url, { cookie: client.cookie });
    const arrived = new Map<string, number>();
    socket.on('new_message', (p: { message: { externalId: string | null } }) => {
      if (p.message.externalId) arrived.set(p.message.externalId, performance.now());
    });

    const post = async (raw: string) =>
      fetch(`${server.url}/api/whatsapp/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhook(appSecret, raw) },
        body: raw,
      });

    // Warm-up: compile the route, fill caches.
    for (let i = 0; i < 50; i++) await post(JSON.stringify(webhookFor(FAKE_PHONE_NUMBER_ID, cloudTextMessage({ from: `1555700${String(i % contacts).padStart(4, '0')}`, text: 'warm-up' }))));

    const steps: IngestStep[] = [];
    let seq = 0;
    for (const rate of opts.rates) {
      const cpuBefore = processCpuMs(server.proc.pid);
      const sentAt = new Map<string, number>();
      const acks: number[] = [];
      let accepted = 0;
      let rejected = 0;
      let inFlight = 0;
      const pending: Promise<void>[] = [];
      const interval = 1000 / rate;
      const start = performance.now();
      const end = start + opts.secondsPerStep * 1000;
      let lastAck = start;
      for (let i = 0; ; i++) {
        const due = start + i * interval;
        if (due >= end) break;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait);
        // Bounded: when the server falls behind, the generator waits instead of piling up sockets.
        while (inFlight >= maxInFlight) await sleep(1);
        const id = wamid();
        const raw = JSON.stringify(webhookFor(FAKE_PHONE_NUMBER_ID, cloudTextMessage({ from: `1555800${String(seq++ % contacts).padStart(4, '0')}`, id, text: `message ${seq}` })));
        const t0 = performance.now();
        sentAt.set(id, t0);
        inFlight++;
        pending.push(
          post(raw)
            .then(async (res) => {
              await res.arrayBuffer();
              if (res.status === 200) {
                accepted++;
                lastAck = performance.now();
                acks.push(lastAck - t0);
              } else rejected++;
            })
            .catch(() => void rejected++)
            .finally(() => void inFlight--),
        );
      }
      await Promise.all(pending);
      // Drain: everything accepted must reach the client.
      const drainUntil = performance.now() + 15_000;
      const deliveredCount = () => [...sentAt.keys()].filter((id) => arrived.has(id)).length;
      while (deliveredCount() < accepted && performance.now() < drainUntil) await sleep(20);
      const latencies = [...sentAt.entries()].flatMap(([id, t]) => (arrived.has(id) ? [arrived.get(id)! - t] : []));
      const lastArrival = Math.max(start, ...[...sentAt.keys()].map((id) => arrived.get(id) ?? 0));
      const delivered = latencies.length;
      const cpuAfter = processCpuMs(server.proc.pid);
      steps.push({
        offeredPerSec: rate,
        sent: sentAt.size,
        accepted,
        rejected,
        delivered,
        lost: accepted - delivered,
        persistedPerSec: Math.round(accepted / ((lastAck - start) / 1000)),
        deliveredPerSec: Math.round(delivered / ((lastArrival - start) / 1000)),
        latency: stats(latencies.length ? latencies : [NaN]),
        ack: stats(acks.length ? acks : [NaN]),
        ...(cpuBefore !== undefined && cpuAfter !== undefined && accepted > 0
          ? { serverCpuMsPerMessage: Math.round(((cpuAfter - cpuBefore) / accepted) * 100) / 100 }
          : {}),
      });
      console.log(`  ingest ${opts.db} @${rate}/s: ${JSON.stringify(steps.at(-1))}`);
      await sleep(500);
    }
    socket.close();
    const list = await client.json<{ bots: { id: string; messagesToday?: number }[] }>('GET', '/api/v1/bots');
    const storedAtEnd = list.body.bots.find((b) => b.id === bot.body.id)?.messagesToday ?? -1;
    return { db: opts.db, secondsPerStep: opts.secondsPerStep, maxInFlight, contacts, steps, storedAtEnd };
  } finally {
    await server.stop();
    await graph.close();
    await pg?.drop();
  }
}

/** User + system CPU time of a process so far (ms), from /proc (Linux); undefined elsewhere. */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}
