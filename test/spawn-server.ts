import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface RunningServer {
  url: string;
  dataDir: string;
  proc: ChildProcess;
  output(): string;
  /** SIGTERM, then wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL to the whole process group (a crashed node: nothing runs its shutdown), then wait for exit. */
  kill(): Promise<void>;
}

export interface StartOptions {
  mode: 'production' | 'development';
  env?: Record<string, string | undefined>;
  dataDir?: string;
  timeoutMs?: number;
  /** Extra node flags, e.g. `--cpu-prof` for the benchmarks' profiles (not allowed in NODE_OPTIONS). */
  nodeArgs?: string[];
  /** Raise the server's open-file limit (sockets) to this, or to the hard limit if that is lower. */
  fdLimit?: number;
}

/** Boots the real custom server (server/index.ts) in its own process group on port 0. */
export async function startServer(opts: StartOptions): Promise<RunningServer> {
  if (opts.mode === 'production' && !existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) {
    throw new Error('No production build: run `npm run build` first (npm test does it for you).');
  }
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'parley-it-'));
  const env: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: opts.mode,
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    APP_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    NEXT_TELEMETRY_DISABLED: '1',
    DATABASE_URL: undefined,
    ...opts.env,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];

  const nodeArgv = [...(opts.nodeArgs ?? []), '--import', 'tsx', 'server/index.ts'];
  // Node cannot raise its own rlimit: a shell does, then execs node (same pid, same process group).
  const [cmd, argv] = opts.fdLimit
    ? ['sh', ['-c', `ulimit -n ${Math.floor(opts.fdLimit)} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`, process.execPath, ...nodeArgv]]
    : [process.execPath, nodeArgv];
  const proc = spawn(cmd, argv, {
    cwd: ROOT,
    env: env as NodeJS.ProcessEnv,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within ${opts.timeoutMs ?? 90_000} ms:\n${out}`)), opts.timeoutMs ?? 90_000);
    const onData = () => {
      const m = /Parley listening on (http:\/\/localhost:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace('localhost', '127.0.0.1'));
      }
    };
    proc.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });

  let stopped: Promise<number | null> | undefined;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-proc.pid!, sig);
    } catch {
      // already gone
    }
  };
  return {
    url,
    dataDir,
    proc,
    output: () => out,
    stop() {
      if (stopped) return stopped;
      try {
        process.kill(-proc.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
      const hardKill = setTimeout(() => {
        try {
          process.kill(-proc.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 15_000);
      stopped = exited.finally(() => clearTimeout(hardKill));
      return stopped;
    },
    async kill() {
      signal('SIGKILL');
      stopped ??= exited;
      await exited;
    },
  };
}
