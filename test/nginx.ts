import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

// nginx in front of test nodes, configured from the shipped example (deploy/nginx/parley.conf):
// the example's upstream servers, listen address and server_name are replaced, nothing else. If
// the example changes shape so that a replacement no longer applies, this throws (the test fails).

const ROOT = path.resolve(import.meta.dirname, '..');
export const NGINX_EXAMPLE = path.join(ROOT, 'deploy', 'nginx', 'parley.conf');

export function nginxBinary(): string | null {
  for (const p of ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx', '/usr/local/bin/nginx']) if (existsSync(p)) return p;
  const found = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

/** In CI nginx must be there (scripts/ensure-nginx.mjs installs it); elsewhere its tests are skipped. */
export function shouldRunNginx(): boolean {
  const bin = nginxBinary();
  if (!bin && process.env.CI) throw new Error('nginx is not installed (CI runs scripts/ensure-nginx.mjs)');
  if (!bin) console.warn('nginx not installed: skipping the tests through nginx (node scripts/ensure-nginx.mjs installs it)');
  return Boolean(bin);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:`port` (a server under test coming up or going down). */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/**
 * The example's `upstream` and `server` blocks for this test: `upstreams` (host:port) replace the
 * example's server lines, `listen` its listen directive. `name` suffixes the upstream and map
 * names so several copies can share one http {} block.
 */
export function configFromExample(opts: { upstreams: string[]; port: number; name?: string }): string {
  let conf = readFileSync(NGINX_EXAMPLE, 'utf8');
  const replace = (pattern: RegExp, by: string | ((m: string) => string), what: string) => {
    if (!pattern.test(conf)) throw new Error(`deploy/nginx/parley.conf no longer has ${what}: update test/nginx.ts with it`);
    conf = conf.replace(pattern, by as string);
  };
  replace(/^(\s*)server\s+10\.0\.0\.11:3000([^;]*);\n\s*server\s+10\.0\.0\.12:3000[^;]*;\n/m, (m) => {
    const indent = /^(\s*)/.exec(m)![1]!;
    const rest = /^\s*server\s+\S+([^;]*);/.exec(m)![1]!;
    return opts.upstreams.map((u) => `${indent}server ${u}${rest};\n`).join('');
  }, 'the two example upstream servers');
  replace(/^\s*listen\s+80;$/m, `    listen 127.0.0.1:${opts.port};`, '"listen 80;"');
  replace(/^\s*server_name\s+parley\.example\.com;$/m, '    server_name localhost;', 'the example server_name');
  if (opts.name) {
    replace(/\bparley_nodes\b/g, `parley_nodes_${opts.name}`, 'the parley_nodes upstream');
    replace(/\$parley_connection\b/g, `$parley_connection_${opts.name}`, 'the $parley_connection map');
  }
  return conf;
}

export interface RunningNginx {
  /** http://127.0.0.1:<port> of each server block, in the order given. */
  urls: string[];
  proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts nginx (foreground, own process group) with one server block per entry of `servers`. */
export async function startNginx(servers: { upstreams: string[]; name?: string }[]): Promise<RunningNginx> {
  const bin = nginxBinary();
  if (!bin) throw new Error('nginx is not installed');
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-nginx-'));
  // Worker processes drop root privileges: their temp folders must be writable by anyone.
  chmodSync(dir, 0o777);
  for (const d of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi', 'logs']) mkdirSync(path.join(dir, d), { mode: 0o777 });
  const ports = await Promise.all(servers.map(() => freePort()));
  const blocks = servers.map((s, i) => configFromExample({ upstreams: s.upstreams, port: ports[i]!, name: s.name ?? String(i) }));
  const conf = [
    'worker_processes 1;',
    `pid ${path.join(dir, 'nginx.pid')};`,
    `error_log ${path.join(dir, 'logs', 'error.log')} warn;`,
    'daemon off;',
    'events { worker_connections 512; }',
    'http {',
    '  access_log off;',
    `  client_body_temp_path ${path.join(dir, 'client_body')};`,
    `  proxy_temp_path ${path.join(dir, 'proxy')};`,
    `  fastcgi_temp_path ${path.join(dir, 'fastcgi')};`,
    `  uwsgi_temp_path ${path.join(dir, 'uwsgi')};`,
    `  scgi_temp_path ${path.join(dir, 'scgi')};`,
    ...blocks,
    '}',
    '',
  ].join('\n');
  const file = path.join(dir, 'nginx.conf');
  writeFileSync(file, conf);

  const test = spawnSync(bin, ['-t', '-q', '-p', dir, '-c', file], { encoding: 'utf8' });
  if (test.status !== 0) throw new Error(`nginx rejects the generated config:\n${test.stderr}\n${conf}`);

  const proc = spawn(bin, ['-p', dir, '-c', file], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const urls = ports.map((p) => `http://127.0.0.1:${p}`);

  // Listening once a TCP connect succeeds (bounded).
  const deadline = Date.now() + 10_000;
  for (const port of ports) {
    for (;;) {
      if (await listening(port)) break;
      if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`nginx did not start listening on ${port}:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  return {
    urls,
    proc,
    output: () => out + (existsSync(path.join(dir, 'logs', 'error.log')) ? readFileSync(path.join(dir, 'logs', 'error.log'), 'utf8') : ''),
    async stop() {
      try {
        process.kill(-proc.pid!, 'SIGQUIT');
      } catch {
        // gone
      }
      const hard = setTimeout(() => {
        try {
          process.kill(-proc.pid!, 'SIGKILL');
        } catch {
          // gone
        }
      }, 5_000);
      await exited;
      clearTimeout(hard);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
