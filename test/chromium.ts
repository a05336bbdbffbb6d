import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

// One Chromium setup for Playwright tests and the browser benchmarks. Playwright's own browser
// cannot be downloaded on these machines: Debian's is used when the bundled one is absent.

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function chromiumExecutable(): string | undefined {
  return existsSync(chromium.executablePath()) ? undefined : '/usr/bin/chromium';
}
