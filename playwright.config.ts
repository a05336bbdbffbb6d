import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from './test/chromium';
import { E2E_GRAPH, FAST_QR_PORT, FAST_QR_TIMING, FAST_QR_URL, MAIN_PORT, MAIN_URL } from './e2e/servers';


// A fresh embedded database per run, so tests never see each other's accounts from earlier runs.
// The id goes into the env so worker processes, which load this file again, agree on it.
process.env.E2E_RUN_ID ??= String(Date.now());
const dataDir = path.resolve('.test-artifacts', `e2e-${process.env.E2E_RUN_ID}`);

export default defineConfig({
  testDir: './e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: 'list',
  outputDir: '.test-artifacts/playwright',
  use: {
    baseURL: MAIN_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          // Debian's Chromium when Playwright's own is absent (.ci/run installs it).
          executablePath: chromiumExecutable(),
          args: CHROMIUM_ARGS,
        },
      },
    },
  ],
  webServer: [
    {
      // Meta's Graph API, faked on loopback: Cloud API bots are linked and answer through it.
      command: 'node --import tsx e2e/fake-graph.ts',
      port: E2E_GRAPH.port,
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      // The production server exactly as `npm start` runs it (npm test builds first).
      command: 'node --import tsx server/start.ts',
      url: `${MAIN_URL}/api/health`,
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
      env: serverEnv(MAIN_PORT, dataDir, { WHATSAPP_GRAPH_URL: E2E_GRAPH.url }),
    },
    {
      // The same build with a fast-rotating simulator QR (e2e/linking-rotation.spec.ts): the
      // rotation, expiry and cross-user isolation tests see every QR change within seconds.
      command: 'node --import tsx server/start.ts',
      url: `${FAST_QR_URL}/api/health`,
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
      env: serverEnv(FAST_QR_PORT, `${dataDir}-fast-qr`, {
        SIMULATOR_QR_FIRST_MS: String(FAST_QR_TIMING.firstMs),
        SIMULATOR_QR_NEXT_MS: String(FAST_QR_TIMING.nextMs),
        SIMULATOR_QR_REFS: String(FAST_QR_TIMING.refs),
      }),
    },
  ],
});

function serverEnv(port: number, dir: string, extra: Record<string, string>): Record<string, string> {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dir,
    LOG_LEVEL: 'warn',
    NEXT_TELEMETRY_DISABLED: '1',
    APP_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e-secret',
    // The fake phone: no internet here, and the e2e tests link bots by "scanning".
    WHATSAPP_ENGINE: 'simulator',
    // Every test signs up its own accounts, all from 127.0.0.1.
    SIGN_UP_PER_IP_LIMIT: '1000',
    ...extra,
  };
}
