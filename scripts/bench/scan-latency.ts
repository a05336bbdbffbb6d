// Benchmark: the simulator's scan → `session_status_changed CONNECTED` at a subscribed client.
// Boots the real production server (PGlite, simulator engine) on port 0 and repeats
// connect → wait for the QR → scan → wait for CONNECTED → log out, timing each scan.
// Run with `npm run bench` (which writes BENCHMARKS.md).
import { Client, dialOk } from '@/test/http-client';
import { startServer } from '@/test/spawn-server';

export interface ScanLatencyResult {
  trials: number;
  restartMs: number;
  /** POST scan sent → CONNECTED received (ms). */
  connected: Stats;
  /** POST scan sent → first session_status_changed (STARTING, reason paired) received (ms). */
  firstEvent: Stats;
  /** POST scan round trip (ms), for context. */
  request: Stats;
}

export interface Stats {
  p50: number;
  p90: number;
  /** Absent in results stored before issue 7. */
  p95?: number;
  p99: number;
  max: number;
  mean: number;
}

export function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  const round = (n: number) => Math.round(n * 100) / 100;
  return { p50: round(at(0.5)), p90: round(at(0.9)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(s.at(-1)!), mean: round(s.reduce((a, b) => a + b, 0) / s.length) };
}

export async function scanLatency(opts: { trials: number; restartMs: number }): Promise<ScanLatencyResult> {
  const server = await startServer({
    mode: 'production',
    env: {
      WHATSAPP_ENGINE: 'simulator',
      SIMULATOR_RESTART_MS: String(opts.restartMs),
      SIMULATOR_QR_FIRST_MS: '60000',
      LOG_LEVEL: 'warn',
    },
  });
  try {
    // The simulator's endpoints allow 120 calls a minute per user: a new user (and bot) every
    // 100 trials keeps the benchmark inside the limits people get.
    let client = new Client(server.url);
    let botId = '';
    const newOwner = async (n: number) => {
      client = new Client(server.url);
      const signUp = await client.json('POST', '/api/v1/auth/sign-up', { email: `bench-${n}-${Date.now()}@example.com`, password: 'bench-password', name: 'Bench' });
      if (signUp.status !== 201) throw new Error(`sign-up failed: ${signUp.status}`);
      const bot = await client.json<{ id: string }>('POST', '/api/v1/bots', { name: 'Bench bot' });
      botId = bot.body.id;
    };

    const connected: number[] = [];
    const firstEvent: number[] = [];
    const request: number[] = [];
    // Warm-up trials (route compilation caches, JIT) are not counted.
    const warmup = 5;
    for (let i = 0; i < opts.trials + warmup; i++) {
      if (i % 100 === 0) await newOwner(i);
      // A fresh socket per trial, as a new wizard tab would have (one socket would also hit the
      // per-connection event rate limit after 15 quick trials).
      const { socket } = await dialOk(server.url, { cookie: client.cookie });
      const qr = new Promise<void>((resolve) => {
        const onQr = () => {
          socket.off('qr_code_updated', onQr);
          resolve();
        };
        socket.on('qr_code_updated', onQr);
      });
      const sub = await socket.emitWithAck('subscribe_session', { botId });
      if (!sub.ok) throw new Error(`subscribe failed: ${JSON.stringify(sub)}`);
      // Through the socket, as the wizard does (the REST twin is rate-limited per user for people).
      const conn = await socket.emitWithAck('trigger_whatsapp_connection', { botId, method: 'qr' });
      if (!conn.ok) throw new Error(`connect failed: ${JSON.stringify(conn)}`);
      await qr;

      let first = 0;
      const done = new Promise<number>((resolve) => {
        const onStatus = (p: { status: string }) => {
          const t = performance.now();
          if (!first) first = t;
          if (p.status === 'CONNECTED') {
            socket.off('session_status_changed', onStatus);
            resolve(t);
          }
        };
        socket.on('session_status_changed', onStatus);
      });
      const t0 = performance.now();
      const scan = await client.request('POST', `/api/dev/simulator/bots/${botId}/scan`);
      const tReq = performance.now();
      if (scan.status !== 200) throw new Error(`scan failed: ${scan.status} ${await scan.text()}`);
      const t1 = await done;
      if (i >= warmup) {
        connected.push(t1 - t0);
        firstEvent.push(first - t0);
        request.push(tReq - t0);
      }
      await socket.emitWithAck('unsubscribe_session', { botId });
      const out = await socket.emitWithAck('disconnect_whatsapp', { botId });
      if (!out.ok) throw new Error(`logout failed: ${JSON.stringify(out)}`);
      socket.close();
    }
    return { trials: opts.trials, restartMs: opts.restartMs, connected: stats(connected), firstEvent: stats(firstEvent), request: stats(request) };
  } finally {
    await server.stop();
  }
}
