// Benchmark (issue 7): what Parley replaced, side by side with Parley in the same run.
// The old frontend polled `GET …/session-status/{botId}` (and a status list) every 3 s
// (/work/shared/seeds/000_*: "Every 3-20 seconds: GET /api/v1/whatsapp/session-status/{botId}").
// That poller exists only here, in the bench, against the same production server:
//  - linking: each trial runs Parley's path (a socket subscribed to `session:{botId}`) and a
//    3-second poller at once; the simulator scans at a random point of the poll cycle, and both
//    report when they learned of CONNECTED (same process clock);
//  - idle: for a while a QR step and a dashboard sit open: the poller's requests and bytes per
//    minute, against the Engine.IO packets of one subscribed socket over the same window.
import { Client, dialOk } from '@/test/http-client';
import { startServer } from '@/test/spawn-server';
import { stats, type Stats } from './scan-latency';

export const POLL_INTERVAL_MS = 3_000;

export interface BaselineResult {
  pollIntervalMs: number;
  linking: {
    trials: number;
    /** scan sent → Parley's socket has CONNECTED (ms). */
    parleyMs: Stats;
    /** scan sent → the poller's next answer says CONNECTED (ms). */
    pollingMs: Stats;
    /** Polls answered 429 (the old client hit the rate limit, as the seed complains). */
    rateLimited: number;
  };
  idle: {
    durationMs: number;
    polling: { requestsPerMin: number; bytesPerMin: number; byPath: Record<string, number>; statuses: Record<string, number> };
    /** One socket subscribed to the QR session, the same window: Engine.IO packets both ways (it sends no HTTP request). */
    parley: { packetsReceivedPerMin: number; packetsSentPerMin: number };
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The old client: one GET every `POLL_INTERVAL_MS`, no ETag, until stopped. */
function startPoller(client: Client, path: string, onAnswer: (status: number, body: string) => void): () => Promise<void> {
  let stopped = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const loop = (async () => {
    while (!stopped) {
      const res = await client.request('GET', path);
      onAnswer(res.status, await res.text());
      if (stopped) break;
      // setInterval semantics would be the same here: answers take milliseconds.
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, POLL_INTERVAL_MS);
      });
    }
  })();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    wake?.();
    await loop;
  };
}

async function newOwner(url: string, label: string): Promise<{ client: Client; botId: string }> {
  const client = new Client(url);
  const signUp = await client.json('POST', '/api/v1/auth/sign-up', { email: `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.com`, password: 'bench-password', name: 'Bench' });
  if (signUp.status !== 201) throw new Error(`sign-up failed: ${signUp.status}`);
  const bot = await client.json<{ id: string }>('POST', '/api/v1/bots', { name: 'Baseline bot' });
  if (bot.status !== 201) throw new Error(`create bot failed: ${bot.status}`);
  return { client, botId: bot.body.id };
}

export async function baselineBench(opts: { trials: number; idleMs: number }): Promise<BaselineResult> {
  const server = await startServer({
    mode: 'production',
    env: { WHATSAPP_ENGINE: 'simulator', SIMULATOR_RESTART_MS: '0', SIMULATOR_QR_FIRST_MS: String(Math.min(600_000, Math.max(60_000, opts.idleMs + 60_000))), LOG_LEVEL: 'warn' },
  });
  try {
    // ── linking ────────────────────────────────────────────────────────────────────────────
    const parley: number[] = [];
    const polling: number[] = [];
    let rateLimited = 0;
    let owner = await newOwner(server.url, 'baseline-link');
    for (let i = 0; i < opts.trials; i++) {
      // Connect + log out count against 30 session commands a minute per user.
      if (i > 0 && i % 12 === 0) owner = await newOwner(server.url, 'baseline-link');
      const { client, botId } = owner;
      const { socket } = await dialOk(server.url, { cookie: client.cookie });
      const qr = new Promise<void>((resolve) => socket.once('qr_code_updated', () => resolve()));
      const sub = await socket.emitWithAck('subscribe_session', { botId });
      if (!sub.ok) throw new Error(`subscribe failed: ${JSON.stringify(sub)}`);
      const conn = await socket.emitWithAck('trigger_whatsapp_connection', { botId, method: 'qr' });
      if (!conn.ok) throw new Error(`connect failed: ${JSON.stringify(conn)}`);
      await qr;

      let t0 = 0;
      let polled = 0;
      const pollerSaw = new Promise<void>((resolve) => {
        const stop = startPoller(client, `/api/v1/whatsapp/session-status/${botId}`, (status, body) => {
          if (status === 429) rateLimited++;
          if (status === 200 && t0 && (JSON.parse(body) as { status: string }).status === 'CONNECTED' && !polled) {
            polled = performance.now();
            void stop().then(resolve);
          }
        });
      });
      const socketSaw = new Promise<number>((resolve) => {
        const onStatus = (p: { status: string }) => {
          if (p.status !== 'CONNECTED') return;
          socket.off('session_status_changed', onStatus);
          resolve(performance.now());
        };
        socket.on('session_status_changed', onStatus);
      });
      // The person scans at any moment of the poll cycle.
      await sleep(Math.random() * POLL_INTERVAL_MS);
      t0 = performance.now();
      const scan = await client.request('POST', `/api/dev/simulator/bots/${botId}/scan`);
      if (scan.status !== 200) throw new Error(`scan failed: ${scan.status} ${await scan.text()}`);
      parley.push((await socketSaw) - t0);
      // Bounded: the poller sees CONNECTED at its next poll (≤ 3 s), or the trial fails.
      const timeout = sleep(POLL_INTERVAL_MS * 4).then(() => 'timeout' as const);
      if ((await Promise.race([pollerSaw, timeout])) === 'timeout') throw new Error(`trial ${i}: the poller never saw CONNECTED`);
      polling.push(polled - t0);
      const out = await socket.emitWithAck('disconnect_whatsapp', { botId });
      if (!out.ok) throw new Error(`logout failed: ${JSON.stringify(out)}`);
      socket.close();
    }

    // ── idle ───────────────────────────────────────────────────────────────────────────────
    const { client, botId } = await newOwner(server.url, 'baseline-idle');
    const { socket } = await dialOk(server.url, { cookie: client.cookie });
    const qr = new Promise<void>((resolve) => socket.once('qr_code_updated', () => resolve()));
    await socket.emitWithAck('subscribe_session', { botId });
    await socket.emitWithAck('trigger_whatsapp_connection', { botId, method: 'qr' });
    await qr;
    let received = 0;
    let sent = 0;
    socket.io.engine.on('packet', () => void received++);
    socket.io.engine.on('packetCreate', () => void sent++);
    const byPath: Record<string, number> = {};
    const statuses: Record<string, number> = {};
    let bytes = 0;
    const count = (path: string) => (status: number, body: string) => {
      byPath[path] = (byPath[path] ?? 0) + 1;
      statuses[status] = (statuses[status] ?? 0) + 1;
      bytes += Buffer.byteLength(body);
    };
    // The QR step polls its session; the dashboard polls the status of every bot.
    const stops = [
      startPoller(client, `/api/v1/whatsapp/session-status/${botId}`, count('/api/v1/whatsapp/session-status/{botId}')),
      startPoller(client, '/api/v1/bots', count('/api/v1/bots')),
    ];
    await sleep(opts.idleMs);
    await Promise.all(stops.map((s) => s()));
    const minutes = opts.idleMs / 60_000;
    const perMin = (n: number) => Math.round((n / minutes) * 100) / 100;
    const requests = Object.values(byPath).reduce((a, b) => a + b, 0);
    socket.close();
    return {
      pollIntervalMs: POLL_INTERVAL_MS,
      linking: { trials: opts.trials, parleyMs: stats(parley), pollingMs: stats(polling), rateLimited },
      idle: {
        durationMs: opts.idleMs,
        polling: { requestsPerMin: perMin(requests), bytesPerMin: perMin(bytes), byPath, statuses },
        parley: { packetsReceivedPerMin: perMin(received), packetsSentPerMin: perMin(sent) },
      },
    };
  } finally {
    await server.stop();
  }
}
