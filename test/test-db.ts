import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDb, type DbHandle } from '@/lib/db';
import { migrateDb } from '@/lib/db/migrate';

// Test databases: PGlite in memory, and a fresh database on the real PostgreSQL server per run
// (drizzle-kit's SQL qualifies foreign keys with "public", so a schema per run would not isolate).

export const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function postgresReachable(url = TEST_PG_URL): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** In CI the PostgreSQL runs must not be skipped silently: .ci/run makes the server reachable. */
export async function shouldRunPostgres(): Promise<boolean> {
  const reachable = await postgresReachable();
  if (!reachable && process.env.CI) throw new Error(`PostgreSQL is not reachable at ${TEST_PG_URL} (CI must start it)`);
  if (!reachable) console.warn(`PostgreSQL not reachable at ${TEST_PG_URL}: skipping the PostgreSQL runs`);
  return reachable;
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createPostgresDatabase(baseUrl = TEST_PG_URL): Promise<TestDatabase> {
  const name = `parley_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export type DriverName = 'pglite' | 'postgres';

/** A migrated database handle for one driver, plus its cleanup. */
export async function openTestDb(driver: DriverName): Promise<{ handle: DbHandle; cleanup(): Promise<void> }> {
  if (driver === 'pglite') {
    const handle = await openDb({ inMemory: true });
    await migrateDb(handle);
    return { handle, cleanup: () => handle.close() };
  }
  const database = await createPostgresDatabase();
  const handle = await openDb({ databaseUrl: database.url });
  await migrateDb(handle);
  return {
    handle,
    async cleanup() {
      await handle.close();
      await database.drop();
    },
  };
}

/** The drivers to run database tests on: PGlite always, PostgreSQL when reachable (always in CI). */
export async function testDrivers(): Promise<DriverName[]> {
  return (await shouldRunPostgres()) ? ['pglite', 'postgres'] : ['pglite'];
}
