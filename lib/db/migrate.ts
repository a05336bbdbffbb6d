import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DbHandle } from './index';

// Server-only: applies the drizzle-kit migrations at boot (never imported by route handlers).
export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** pg_advisory_lock key: nodes booting together on one PostgreSQL migrate one at a time. */
const MIGRATION_LOCK = 0x7061726c; // "parl"

export async function migrateDb(handle: DbHandle): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_DIR, migrationsSchema: 'drizzle' };
  if (handle.kind === 'pglite') {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(handle.db as never, config);
  } else {
    const { migrate } = await import('drizzle-orm/node-postgres/migrator');
    await handle.withLock(MIGRATION_LOCK, (db) => migrate(db as never, config));
  }
}
