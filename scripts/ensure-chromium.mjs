#!/usr/bin/env node
// Playwright cannot download its own browser on these machines; it uses Debian's Chromium.
// Install it when it is missing and we are allowed to (root with apt-get), else explain.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let bundled = '';
try {
  bundled = require('@playwright/test').chromium.executablePath();
} catch {
  // playwright not installed yet; fall through to the system browser
}

if ((bundled && existsSync(bundled)) || existsSync('/usr/bin/chromium')) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (!isRoot || !hasApt) {
  console.error('No Chromium for the end-to-end tests. Install Debian\'s `chromium` package (sudo apt-get install chromium) and run again.');
  process.exit(1);
}
console.log('Installing Debian chromium for the end-to-end tests (once)…');
const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env: aptEnv });
execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env: aptEnv });
