import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// `npm start`: build once if there is no production build, then run the custom server in
// production mode (which applies migrations before it listens).

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
(process.env as Record<string, string>).NODE_ENV = 'production';
process.env.NEXT_TELEMETRY_DISABLED ??= '1';

if (!existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) {
  console.log('No production build yet: building Parley (first start only, about a minute)…');
  const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
  const result = spawnSync(process.execPath, [nextBin, 'build'], { cwd: ROOT, stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    console.error('The build failed; see the output above. Fix it, then run `npm start` again.');
    process.exit(result.status ?? 1);
  }
}

await import('./index');
