import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, listening } from './nginx';

// A PostgreSQL cluster of the test's own (initdb + postgres on a free port, socket in its own
// folder), so an outage test can stop and start it without touching the shared server on 5432.
// As root, PostgreSQL refuses to run: the cluster then belongs to the `postgres` user.

export function postgresBinDir(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(path.join(base, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], 'bin') : null;
}

export interface PrivatePostgres {
  url: string;
  port: number;
  /** Fast shutdown: clients lose their connections and new ones are refused until `start()`. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its data. */
  destroy(): Promise<void>;
}

const asRoot = process.getuid?.() === 0;

function command(bin: string, args: string[]): [string, string[]] {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries are not installed (/usr/lib/postgresql/*/bin)');
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-pg-'));
  chmodSync(dir, 0o777);
  if (asRoot) spawnSync('chown', ['postgres:postgres', dir]);
  const data = path.join(dir, 'data');
  const [initCmd, initArgs] = command(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const port = await freePort();
  let proc: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    const [cmd, args] = command(path.join(bin, 'postgres'), [
      '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=100',
    ]);
    proc = spawn(cmd, args, { detached: true, stdio: 'ignore' });
    const p = proc;
    exited = new Promise((resolve) => p.once('exit', () => resolve()));
    const deadline = Date.now() + 20_000;
    while (!(await listening(port))) {
      if (p.exitCode !== null || Date.now() > deadline) throw new Error(`postgres did not start on ${port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // Accepting TCP is not yet accepting queries (startup recovery): wait for pg_isready.
    while (spawnSync(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-q']).status !== 0) {
      if (Date.now() > deadline) throw new Error(`postgres on ${port} did not become ready`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async () => {
    if (!proc || proc.exitCode !== null) return;
    const p = proc;
    // SIGINT = fast shutdown (every session ends at once), to the whole group (runuser + postgres).
    try {
      process.kill(-p.pid!, 'SIGINT');
    } catch {
      // gone
    }
    const hard = setTimeout(() => {
      try {
        process.kill(-p.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }, 10_000);
    await exited;
    clearTimeout(hard);
    // runuser may exit before postgres does: wait until the port is closed.
    while (await listening(port)) await new Promise((r) => setTimeout(r, 25));
  };

  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
