// `npm run bench [-- scenario …]`: runs benchmarks against a production build, stores each
// scenario's raw result in bench/results/<scenario>.json, and rewrites BENCHMARKS.md from every
// stored result (so running one scenario keeps the others' last figures).
//   scenarios: scan, linking, navigation, idle, baseline, sockets, catch-up, inbox, ingest,
//              cross-node, takeover (default: all);
//   `--report` runs none and only rewrites BENCHMARKS.md;
//   `--smoke` (npm run bench:smoke): small sizes, results to .test-artifacts/bench-smoke/ (never
//   bench/results/ or BENCHMARKS.md); the exit code says whether every scenario still works.
//   env: see README "Benchmarks" (BENCH_TRIALS, BENCH_IDLE_MS, BENCH_SOCKETS, BENCH_TAG, …).
// Exit code ≠ 0 when a scenario crashed or broke one of its invariants (lost messages, more than
// one socket per tab, clients that did not connect or did not get a broadcast) — never because
// of an absolute timing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { idleBench, linkingBench, navigationBench, SHARED_BROWSER_ENV, type IdleResult, type LinkingResult, type NavigationResult } from './linking';
import { baselineBench, type BaselineResult } from './baseline';
import { catchUpBench, type CatchUpResult } from './catch-up';
import { inboxLatencyBench } from './inbox';
import { crossNodeBench, takeoverBench } from './cross-node';
import { ingestBench, type IngestResult } from './ingest';
import { writeReport, type Stored } from './report';
import { scanLatency, type ScanLatencyResult } from './scan-latency';
import { socketsBench, type SocketsResult } from './sockets';
import { redisReachable } from '@/test/cluster';
import { startServer, type RunningServer } from '@/test/spawn-server';
import { postgresReachable } from '@/test/test-db';

const root = path.resolve(import.meta.dirname, '..', '..');
const smoke = process.argv.includes('--smoke');
const reportOnly = process.argv.includes('--report');
const num = (name: string, full: number, short: number) => Number(process.env[name] ?? (smoke ? short : full));

const trials = num('BENCH_TRIALS', 200, 5);
const idleMs = num('BENCH_IDLE_MS', 600_000, 15_000);
const navigations = num('BENCH_NAVIGATIONS', 20, 8);
const baselineTrials = num('BENCH_BASELINE_TRIALS', 50, 2);
const baselineIdleMs = num('BENCH_BASELINE_IDLE_MS', 120_000, 6_000);
const socketCount = num('BENCH_SOCKETS', 10_000, 200);
const socketBroadcasts = num('BENCH_SOCKETS_BROADCASTS', 5, 2);
const socketsTag = process.env.BENCH_TAG ?? '';
const socketsDb = process.env.BENCH_SOCKETS_DB === 'postgres' ? 'postgres' : 'pglite';
// A CPU profile of the sockets scenario's server, written to this folder when it stops.
const cpuProfDir = process.env.BENCH_CPU_PROF_DIR;
const catchUpMessages = num('BENCH_CATCHUP_MESSAGES', 500, 50);
const catchUpOfflineMs = num('BENCH_CATCHUP_OFFLINE_MS', 10_000, 3_000);
const ingestRates = (process.env.BENCH_INGEST_RATES ?? (smoke ? '50' : '250,500,1000,2000')).split(',').map(Number);
const ingestSeconds = num('BENCH_INGEST_SECONDS', 5, 2);
const takeoverTrials = num('BENCH_TAKEOVER_TRIALS', 3, 1);

const ALL = ['scan', 'linking', 'navigation', 'idle', 'baseline', 'sockets', 'catch-up', 'inbox', 'ingest', 'cross-node', 'takeover'] as const;
// The smoke keeps to ≤ 3 minutes: the browser scenarios, the poller, sockets and catch-up.
const SMOKE = ['linking', 'navigation', 'idle', 'baseline', 'sockets', 'catch-up'] as const;
type Scenario = (typeof ALL)[number];
const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = asked.filter((a) => !(ALL as readonly string[]).includes(a));
if (unknown.length) {
  console.error(`Unknown scenario(s): ${unknown.join(', ')}. Known: ${ALL.join(', ')}.`);
  process.exit(2);
}
const scenarios: Scenario[] = reportOnly ? [] : asked.length ? (asked as Scenario[]) : smoke ? [...SMOKE] : [...ALL];

// Smoke results never replace the real ones.
const resultsDir = smoke ? path.join(root, '.test-artifacts', 'bench-smoke') : path.join(root, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });

if (!reportOnly && !existsSync(path.join(root, '.next', 'BUILD_ID'))) {
  console.log('No production build; running `next build` first.');
  execFileSync(path.join(root, 'node_modules', '.bin', 'next'), ['build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
}

/** What the machine was doing when a scenario started: the 2 cores are shared (other builds, CI). */
function machineSummary(): string {
  const load = os.loadavg()[0]!.toFixed(1);
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; load ${load} at start`;
}

const prefix = smoke ? 'BENCH_SMOKE ' : '';
function save<T>(file: string, command: string, machine: string, result: T): void {
  const stored: Stored<T> = { date: new Date().toISOString(), command: `${prefix}${command}`, machine, result };
  writeFileSync(path.join(resultsDir, `${file}.json`), JSON.stringify(stored, null, 2) + '\n');
  console.log(`${file}: ${JSON.stringify(result)}`);
}

/** A broken invariant: the run goes on, the exit code says so. */
const broken: string[] = [];
const check = (ok: boolean, what: string) => {
  if (!ok) {
    broken.push(what);
    console.error(`BROKEN: ${what}`);
  }
};

// The smoke's browser scenarios share one server (each boot costs seconds on a loaded machine);
// the full run boots one per scenario, on a fresh database with that scenario's env.
let sharedServer: Promise<RunningServer> | undefined;
const browserServer = async (): Promise<string | undefined> => {
  if (!smoke) return undefined;
  sharedServer ??= startServer({ mode: 'production', env: { ...SHARED_BROWSER_ENV, LOG_LEVEL: 'warn' } });
  return (await sharedServer).url;
};

const cmd = (vars: string, scenario: string) => `${vars ? `${vars} ` : ''}npm run bench${smoke ? ':smoke' : ''} -- ${scenario}`;

for (const scenario of scenarios) {
  const machine = machineSummary();
  const started = Date.now();
  try {
    if (scenario === 'scan') {
      const runs: ScanLatencyResult[] = [];
      for (const restartMs of [0, 400]) {
        console.log(`scan: ${trials} trials, SIMULATOR_RESTART_MS=${restartMs}…`);
        runs.push(await scanLatency({ trials, restartMs }));
      }
      save('scan', cmd(`BENCH_TRIALS=${trials}`, 'scan'), machine, runs);
    } else if (scenario === 'linking') {
      const runs: LinkingResult[] = [];
      // The 400 ms run (a real phone's pause) adds nothing the smoke needs.
      for (const restartMs of smoke ? [0] : [0, 400]) {
        console.log(`linking (Chromium): ${trials} trials, SIMULATOR_RESTART_MS=${restartMs}…`);
        runs.push(await linkingBench({ trials, restartMs, warmup: smoke ? 1 : 5, server: await browserServer() }));
      }
      save('linking', cmd(`BENCH_TRIALS=${trials}`, 'linking'), machine, runs);
    } else if (scenario === 'navigation') {
      console.log(`navigation (Chromium): ${navigations} client-side navigations…`);
      const r: NavigationResult = await navigationBench({ navigations, server: await browserServer() });
      save('navigation', cmd(`BENCH_NAVIGATIONS=${navigations}`, 'navigation'), machine, r);
      check(r.websocketsOpened === 1, `navigation: ${r.websocketsOpened} WebSocket connections in one tab (1 expected)`);
      check(r.reconnects === 0, `navigation: ${r.reconnects} reconnects (0 expected)`);
    } else if (scenario === 'idle') {
      console.log(`idle (Chromium): dashboard, QR step and inbox open for ${idleMs / 1000} s…`);
      const r: IdleResult = await idleBench({ durationMs: idleMs, server: await browserServer() });
      save('idle', cmd(`BENCH_IDLE_MS=${idleMs}`, 'idle'), machine, r);
      for (const [page, p] of Object.entries(r.pages ?? {})) check(p.websockets === 1, `idle: the ${page} tab opened ${p.websockets} WebSockets (1 expected)`);
    } else if (scenario === 'baseline') {
      console.log(`baseline: ${baselineTrials} linking trials with a 3 s poller beside Parley's socket, then ${baselineIdleMs / 1000} s idle…`);
      const r: BaselineResult = await baselineBench({ trials: baselineTrials, idleMs: baselineIdleMs });
      save('baseline', cmd(`BENCH_BASELINE_TRIALS=${baselineTrials} BENCH_BASELINE_IDLE_MS=${baselineIdleMs}`, 'baseline'), machine, r);
    } else if (scenario === 'sockets') {
      console.log(`sockets: ${socketCount} authenticated clients on one server${socketsTag ? ` (${socketsTag})` : ''}…`);
      const r: SocketsResult = await socketsBench({ sockets: socketCount, tag: socketsTag || 'current', broadcasts: socketBroadcasts, db: socketsDb, serverNodeArgs: cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(cpuProfDir)}`] : undefined });
      const vars = `BENCH_SOCKETS=${socketCount}${socketsDb === 'postgres' ? ' BENCH_SOCKETS_DB=postgres' : ''}${socketsTag ? ` BENCH_TAG=${socketsTag}` : ''}`;
      save(socketsTag ? `sockets-${socketsTag}` : 'sockets', cmd(vars, 'sockets'), machine, r);
      check(r.connected === r.requested, `sockets: ${r.connected}/${r.requested} clients connected ${JSON.stringify(r.errors)}`);
      check(r.serverConnections >= r.connected, `sockets: the server counts ${r.serverConnections} connections, ${r.connected} clients think they are connected`);
      check(r.delivered === r.connected * r.broadcasts, `sockets: ${r.delivered} of ${r.connected * r.broadcasts} broadcast receipts`);
      check(r.unexpectedDisconnects === 0, `sockets: ${r.unexpectedDisconnects} clients were disconnected`);
    } else if (scenario === 'catch-up') {
      console.log(`catch-up: ${catchUpMessages} messages while a client is away for ${catchUpOfflineMs / 1000} s…`);
      const r: CatchUpResult = await catchUpBench({ messages: catchUpMessages, offlineMs: catchUpOfflineMs });
      save('catch-up', cmd(`BENCH_CATCHUP_MESSAGES=${catchUpMessages} BENCH_CATCHUP_OFFLINE_MS=${catchUpOfflineMs}`, 'catch-up'), machine, r);
      check(r.accepted === r.messages, `catch-up: ${r.accepted}/${r.messages} webhooks accepted`);
      check(r.lost === 0, `catch-up: ${r.lost} messages lost`);
    } else if (scenario === 'inbox') {
      console.log(`inbox (Chromium): ${trials} webhook → visible trials…`);
      save('inbox', cmd(`BENCH_TRIALS=${trials}`, 'inbox'), machine, await inboxLatencyBench({ trials }));
    } else if (scenario === 'ingest') {
      const runs: IngestResult[] = [];
      for (const db of ['pglite', 'postgres'] as const) {
        if (db === 'postgres' && !(await postgresReachable())) {
          console.warn('ingest: PostgreSQL is not reachable at 127.0.0.1:5432; skipping its run');
          continue;
        }
        console.log(`ingest (${db}): ${ingestRates.join(', ')} msg/s offered, ${ingestSeconds} s each…`);
        runs.push(await ingestBench({ db, rates: ingestRates, secondsPerStep: ingestSeconds }));
      }
      save('ingest', cmd(`BENCH_INGEST_RATES=${ingestRates.join(',')} BENCH_INGEST_SECONDS=${ingestSeconds}`, 'ingest'), machine, runs);
      for (const run of runs) for (const s of run.steps) check(s.lost === 0, `ingest ${run.db} @${s.offeredPerSec}/s: ${s.lost} messages lost`);
    } else if (scenario === 'cross-node' || scenario === 'takeover') {
      if (!(await postgresReachable()) || !(await redisReachable())) {
        console.warn(`${scenario}: needs PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379; skipping`);
        continue;
      }
      if (scenario === 'cross-node') {
        console.log(`cross-node: ${trials} renames on one node, then on two nodes (event at A and at B)…`);
        save('cross-node', cmd(`BENCH_TRIALS=${trials}`, 'cross-node'), machine, await crossNodeBench({ trials }));
      } else {
        console.log(`takeover: ${takeoverTrials} × kill -9 of the owning node, default lease settings…`);
        save('takeover', cmd(`BENCH_TAKEOVER_TRIALS=${takeoverTrials}`, 'takeover'), machine, await takeoverBench({ trials: takeoverTrials }));
      }
    }
  } catch (err) {
    check(false, `${scenario} crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
  console.log(`${scenario}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

await sharedServer?.then((server) => server.stop(), () => undefined);
if (!smoke) {
  writeReport(root, resultsDir);
  console.log('wrote BENCHMARKS.md');
}
if (broken.length) {
  console.error(`\n${broken.length} scenario check(s) failed:\n- ${broken.join('\n- ')}`);
  process.exit(1);
}
