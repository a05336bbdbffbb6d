import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { dataDir, env } from '@/lib/env';
import * as schema from './schema';

export { schema };

/** Both drivers share Drizzle's Postgres core, so services are written once against this type. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DbKind = 'pglite' | 'postgres';

export interface DbHandle {
  db: Db;
  kind: DbKind;
  /** Throws when the database cannot answer (used by /api/health). */
  ping(timeoutMs?: number): Promise<void>;
  /**
   * Runs `fn` on one connection holding a PostgreSQL advisory lock, so several nodes starting at
   * once take turns (migrations). PGlite has one connection and one process: it just runs `fn`.
   */
  withLock<T>(key: number, fn: (db: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /** postgres://… selects PostgreSQL; otherwise PGlite persisted in `dataDir`. */
  databaseUrl?: string;
  dataDir?: string;
  /** PGlite in memory (tests only). */
  inMemory?: boolean;
  /** PostgreSQL pool size and how long a query waits for a free connection (tests use small ones). */
  pool?: { max?: number; connectionTimeoutMillis?: number };
}

export async function openDb(opts: OpenDbOptions): Promise<DbHandle> {
  if (opts.databaseUrl) {
    const { default: pg } = await import('pg');
    const { drizzle } = await import('drizzle-orm/node-postgres');
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10, connectionTimeoutMillis: 5_000, ...opts.pool });
    // An idle client losing its server must not crash the process; the next query reports it.
    pool.on('error', () => {});
    const db = drizzle({ client: pool, schema }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      ping: (timeoutMs = 2_000) => withTimeout(db.execute(sql`select 1`), timeoutMs),
      async withLock(key, fn) {
        const client = await pool.connect();
        try {
          await client.query('select pg_advisory_lock($1)', [key]);
          try {
            return await fn(drizzle({ client, schema }) as unknown as Db);
          } finally {
            await client.query('select pg_advisory_unlock($1)', [key]).catch(() => {});
          }
        } finally {
          client.release();
        }
      },
      close: () => pool.end(),
    };
  }

  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  let client: InstanceType<typeof PGlite>;
  if (opts.inMemory) {
    client = new PGlite();
  } else {
    const dir = path.join(opts.dataDir ?? dataDir(), 'pglite');
    // PGlite does not create parent folders itself.
    mkdirSync(dir, { recursive: true });
    client = new PGlite(dir);
  }
  await client.waitReady;
  const db = drizzle({ client, schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    ping: (timeoutMs = 2_000) => withTimeout(db.execute(sql`select 1`), timeoutMs),
    withLock: (_key, fn) => fn(db),
    close: () => client.close(),
  };
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      promise,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`database did not answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

// The custom server and the Next.js route bundles live in one process but load separate module
// copies, so the one handle lives on globalThis (two PGlite instances on one folder would corrupt it).
const KEY = Symbol.for('parley.db');
type DbHolder = { [KEY]?: Promise<DbHandle> };

export function getDbHandle(): Promise<DbHandle> {
  const g = globalThis as DbHolder;
  if (!g[KEY]) {
    const e = env();
    const opening = openDb({ databaseUrl: e.DATABASE_URL, dataDir: dataDir(e) });
    g[KEY] = opening;
    // A failed open must not stay cached (it would survive HMR and every retry).
    opening.catch(() => {
      if (g[KEY] === opening) delete g[KEY];
    });
  }
  return g[KEY];
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

/** Installs an already-open handle (tests, and the server after migrating). */
export function setDbHandle(handle: DbHandle): void {
  (globalThis as DbHolder)[KEY] = Promise.resolve(handle);
}

export async function closeDb(): Promise<void> {
  const g = globalThis as DbHolder;
  const pending = g[KEY];
  delete g[KEY];
  if (pending) await (await pending).close();
}

/** An error and every error it wraps (`cause`): Drizzle wraps the driver's error in its own. */
export function* errorChain(err: unknown): Generator<{ code?: unknown; message?: unknown; constraint?: unknown }> {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) yield e;
}

/** Postgres unique-violation, whichever driver raised it. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  for (const pgErr of errorChain(err)) {
    if (pgErr.code === '23505') return constraint === undefined || pgErr.constraint === constraint;
  }
  return false;
}
