import path from 'node:path';
import { defineConfig } from 'vitest/config';

const alias = { '@': path.resolve(import.meta.dirname) };

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          environment: 'node',
          include: ['lib/**/*.test.ts', 'server/**/*.test.ts', 'app/**/*.test.ts'],
          exclude: ['**/*.integration.test.ts', '**/*.faults.test.ts'],
          // PGlite and PostgreSQL tests open real databases; two cores, so keep the pool small.
          pool: 'forks',
          maxWorkers: 2,
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'components',
          environment: 'jsdom',
          include: ['components/**/*.test.tsx', 'hooks/**/*.test.ts', 'hooks/**/*.test.tsx'],
          maxWorkers: 2,
          testTimeout: 20_000,
          // Some files open a PGlite database and migrate it first: slow on a busy 2-core machine.
          hookTimeout: 120_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          environment: 'node',
          include: ['**/*.integration.test.ts'],
          exclude: ['node_modules/**', '.scratch/**'],
          // Each file boots a whole Parley server (Next.js + Socket.IO); one at a time on 2 cores.
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'faults',
          environment: 'node',
          // Fault and abuse suite (issue 9): restarts, outages, bursts, hostile input. Real servers,
          // real PostgreSQL/Redis; one file at a time on 2 cores. FAULTS_SCALE=short in `npm test`.
          include: ['**/*.faults.test.ts'],
          exclude: ['node_modules/**', '.scratch/**'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
