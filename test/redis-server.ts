import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, listening } from './nginx';

// A Redis of the test's own (the same redis-server binary as the shared one on 6379), so a test
// can stop and restart it without disturbing anyone else using the shared Redis. Its data is
// saved on stop and loaded on start, as a Redis with persistence would after a restart.

export function redisServerBinary(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

export interface PrivateRedis {
  url: string;
  port: number;
  /** SHUTDOWN SAVE: clients see the connection refused until `start()`. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its data. */
  destroy(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const bin = redisServerBinary();
  if (!bin) throw new Error('redis-server is not installed');
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-redis-'));
  const port = await freePort();
  let proc: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    proc = spawn(
      bin,
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--dbfilename', 'dump.rdb', '--save', '', '--appendonly', 'no', '--logfile', ''],
      { detached: true, stdio: 'ignore' },
    );
    const p = proc;
    exited = new Promise((resolve) => p.once('exit', () => resolve()));
    const deadline = Date.now() + 10_000;
    while (!(await listening(port))) {
      if (p.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start on ${port}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const stop = async () => {
    if (!proc || proc.exitCode !== null) return;
    spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'save'], { stdio: 'ignore' });
    const hard = setTimeout(() => {
      try {
        process.kill(-proc!.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }, 5_000);
    await exited;
    clearTimeout(hard);
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
