#!/usr/bin/env node
// `npm test`: type-check, lint, unit + component tests, production build, integration tests
// against real server processes, then Playwright in Chromium and the benchmark smoke. Every step runs even if an
// earlier one failed (except those that need the build), and the last line sums them all up.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const artifacts = path.join(root, '.test-artifacts');
mkdirSync(artifacts, { recursive: true });
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };

const totals = { passed: 0, failed: 0, skipped: 0 };
const steps = [];

/**
 * Runs one step. `report` adds the step's test counts; a failed step whose report shows no
 * failing test (type errors, lint, a crash before any report) still counts as one failure.
 */
function step(name, cmd, args, { extraEnv = {}, report } = {}) {
  console.log(`\n━━ ${name} ━━ ${[path.basename(cmd), ...args].join(' ')}`);
  const failedBefore = totals.failed;
  const started = Date.now();
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...env, ...extraEnv } });
  const ok = result.status === 0;
  steps.push({ name, ok, seconds: (Date.now() - started) / 1000 });
  report?.();
  if (!ok && totals.failed === failedBefore) totals.failed += 1;
  return ok;
}

function countVitest(file) {
  if (!existsSync(file)) return;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += r.numPassedTests;
  totals.failed += r.numFailedTests;
  totals.skipped += r.numPendingTests + r.numTodoTests;
}

function countPlaywright(file) {
  if (!existsSync(file)) return;
  const { stats } = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += stats.expected + stats.flaky;
  totals.failed += stats.unexpected;
  totals.skipped += stats.skipped;
}

function vitest(name, projects, out, extraEnv = {}) {
  rmSync(out, { force: true });
  const args = ['run', ...projects.flatMap((p) => ['--project', p]), '--reporter=default', '--reporter=json', `--outputFile.json=${out}`];
  step(name, bin('vitest'), args, { extraEnv, report: () => countVitest(out) });
}

step('type-check', bin('tsc'), ['--noEmit']);
step('lint', bin('eslint'), ['--max-warnings=0', '.']);
vitest('unit + component tests', ['unit', 'components'], path.join(artifacts, 'vitest-unit.json'));

if (step('production build', bin('next'), ['build'])) {
  // The multi-node tests (integration and e2e) put two nodes behind a local nginx.
  step('nginx for the multi-node tests', process.execPath, [path.join(root, 'scripts', 'ensure-nginx.mjs')]);
  vitest('integration tests (real servers)', ['integration'], path.join(artifacts, 'vitest-integration.json'));
  // Issue 9's fault and abuse suite, short form: same files and assertions as `npm run test:faults`, smaller counts.
  vitest('faults + abuse (short form)', ['faults'], path.join(artifacts, 'vitest-faults.json'), { FAULTS_SCALE: 'short' });
  step('browser for end-to-end tests', process.execPath, [path.join(root, 'scripts', 'ensure-chromium.mjs')]);
  const pwOut = path.join(artifacts, 'playwright.json');
  rmSync(pwOut, { force: true });
  step('end-to-end (Playwright, Chromium)', bin('playwright'), ['test', '--reporter=list,json'], {
    extraEnv: { PLAYWRIGHT_JSON_OUTPUT_NAME: pwOut },
    report: () => countPlaywright(pwOut),
  });
  // Issue 7: every benchmark scenario at a small size; fails only when one breaks, not on timings.
  step('benchmark smoke', process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'bench', 'run.ts'), '--smoke']);
}

console.log('\n━━ summary ━━');
for (const s of steps) console.log(`${s.ok ? 'ok  ' : 'FAIL'}  ${s.name.padEnd(36)} ${s.seconds.toFixed(1)} s`);
const allOk = steps.every((s) => s.ok);
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(allOk && totals.failed === 0 ? 0 : 1);
