#!/usr/bin/env node
// `npm test`: type-check, lint, unit + component tests, production build, integration tests
// against real server processes, then Playwright in Chromium. Every step runs even if an
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

function run(name, cmd, args, extraEnv = {}) {
  console.log(`\n━━ ${name} ━━ ${[path.basename(cmd), ...args].join(' ')}`);
  const started = Date.now();
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...env, ...extraEnv } });
  const ok = result.status === 0;
  steps.push({ name, ok, seconds: (Date.now() - started) / 1000 });
  return ok;
}

/** A failed step whose report shows no failing test (type errors, lint, a crash) still counts as one. */
function countStep(ok, failedBefore) {
  if (!ok && totals.failed === failedBefore) totals.failed += 1;
}

function countVitest(file) {
  if (!existsSync(file)) return false;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += r.numPassedTests;
  totals.failed += r.numFailedTests;
  totals.skipped += r.numPendingTests + r.numTodoTests;
  return true;
}

function countPlaywright(file) {
  if (!existsSync(file)) return false;
  const { stats } = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += stats.expected + stats.flaky;
  totals.failed += stats.unexpected;
  totals.skipped += stats.skipped;
  return true;
}

function vitest(name, projects, out) {
  rmSync(out, { force: true });
  const failedBefore = totals.failed;
  const ok = run(name, bin('vitest'), ['run', ...projects.flatMap((p) => ['--project', p]), '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
  countVitest(out);
  countStep(ok, failedBefore);
}

countStep(run('type-check', bin('tsc'), ['--noEmit']), totals.failed);
countStep(run('lint', bin('eslint'), ['--max-warnings=0', '.']), totals.failed);
vitest('unit + component tests', ['unit', 'components'], path.join(artifacts, 'vitest-unit.json'));

const built = run('production build', bin('next'), ['build']);
countStep(built, totals.failed);
if (built) {
  vitest('integration tests (real servers)', ['integration'], path.join(artifacts, 'vitest-integration.json'));
  countStep(run('browser for end-to-end tests', process.execPath, [path.join(root, 'scripts', 'ensure-chromium.mjs')]), totals.failed);
  const pwOut = path.join(artifacts, 'playwright.json');
  rmSync(pwOut, { force: true });
  const failedBefore = totals.failed;
  const ok = run('end-to-end (Playwright, Chromium)', bin('playwright'), ['test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwOut });
  countPlaywright(pwOut);
  countStep(ok, failedBefore);
}

console.log('\n━━ summary ━━');
for (const s of steps) console.log(`${s.ok ? 'ok  ' : 'FAIL'}  ${s.name.padEnd(36)} ${s.seconds.toFixed(1)} s`);
const allOk = steps.every((s) => s.ok);
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(allOk && totals.failed === 0 ? 0 : 1);
