#!/usr/bin/env node
// The multi-node tests put two Parley nodes behind nginx (deploy/nginx/parley.conf). Install
// Debian's nginx when it is missing and we are allowed to (root with apt-get), else explain.
// The package's own service is never started: the tests run nginx themselves, on loopback.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';

export const NGINX_PATHS = ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx', '/usr/local/bin/nginx'];

if (NGINX_PATHS.some((p) => existsSync(p)) || spawnSync('sh', ['-c', 'command -v nginx'], { stdio: 'ignore' }).status === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (!isRoot || !hasApt) {
  console.error('No nginx for the multi-node tests. Install it (sudo apt-get install nginx) and run again.');
  process.exit(1);
}
console.log('Installing Debian nginx for the multi-node tests (once)…');
const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
// Debian starts a freshly installed service unless policy-rc.d says no: say no, just for this install.
const POLICY = '/usr/sbin/policy-rc.d';
const ownPolicy = !existsSync(POLICY);
if (ownPolicy) writeFileSync(POLICY, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
try {
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env: aptEnv });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'nginx'], { stdio: 'inherit', env: aptEnv });
} finally {
  if (ownPolicy) rmSync(POLICY, { force: true });
}
