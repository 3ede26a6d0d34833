// One code path for both databases: PGlite (embedded, data in a local folder) when DATABASE_URL is
// unset, postgres.js against a real server when it is set. Migrations run once per process.
import { env } from '~/env';
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { distribute } from './distribution';
import { z } from 'zod';
import * as schema from './schema';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface DbHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

export const migrationsFolder = path.join(process.cwd(), 'drizzle');

export function defaultPgliteDir(): string {
  return env().PGLITE_DIR ?? path.join(process.cwd(), '.data', 'pglite');
}

export interface OpenOptions {
  /** postgres:// URL; when absent PGlite is used */
  url?: string;
  /** PGlite folder; 'memory' for an in-memory database */
  dataDir?: string;
  /** postgres.js pool size */
  max?: number;
  migrate?: boolean;
}

export async function openDb(options: OpenOptions = {}): Promise<DbHandle> {
  const handle = options.url ? openPostgres(options.url, options.max ?? 10) : await openPglite(options.dataDir);
  if (options.migrate !== false) await migrateDb(handle, options.url);
  return handle;
}

function openPostgres(url: string, max: number): DbHandle {
  const client = postgres(url, { max, onnotice: () => {}, connect_timeout: 5, idle_timeout: 30 });
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  return { db, kind: 'postgres', close: () => client.end({ timeout: 5 }) };
}

async function openPglite(dataDir: string | undefined): Promise<DbHandle> {
  const dir = dataDir ?? defaultPgliteDir();
  let client: PGlite;
  if (dir === 'memory') {
    client = new PGlite();
  } else {
    mkdirSync(path.dirname(dir), { recursive: true });
    takePgliteLock(dir);
    client = new PGlite(dir);
  }
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await client.close();
      if (dir !== 'memory') releasePgliteLock(dir);
    },
  };
}

/**
 * PGlite is one process's database: a second process opening the same folder would corrupt it.
 * A lock file with the owner's pid turns that into a clear error.
 */
function takePgliteLock(dir: string): void {
  const lockFile = `${dir}.lock`;
  try {
    writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
  } catch {
    const owner = Number(readFileSync(lockFile, 'utf8'));
    if (owner && owner !== process.pid && isAlive(owner)) {
      throw new Error(
        `the embedded database ${dir} is in use by process ${owner} (the running app?). ` +
          'Stop it first, or use a Postgres server through DATABASE_URL.',
      );
    }
    writeFileSync(lockFile, String(process.pid));
  }
  process.once('exit', () => releasePgliteLock(dir));
}

function releasePgliteLock(dir: string): void {
  const lockFile = `${dir}.lock`;
  try {
    if (Number(readFileSync(lockFile, 'utf8')) === process.pid) unlinkSync(lockFile);
  } catch {
    // already gone
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Applies the committed migrations; on a shared server, one process at a time. */
async function migrateDb(handle: DbHandle, url: string | undefined): Promise<void> {
  if (handle.kind === 'pglite') {
    await migratePglite(handle.db as unknown as Parameters<typeof migratePglite>[0], { migrationsFolder });
    return;
  }
  const lockClient = postgres(url!, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await lockClient`select pg_advisory_lock(7262001)`;
    await migratePostgres(drizzlePostgres(lockClient), { migrationsFolder });
    // On a Citus coordinator, place the tables the migrations created (docs/scale.md).
    await distribute(drizzlePostgres(lockClient, { schema }) as unknown as Db);
    await lockClient`select pg_advisory_unlock(7262001)`;
  } finally {
    await lockClient.end({ timeout: 5 });
  }
}

/**
 * Rows of a raw query checked at the boundary against a row schema (use `dbNumber` for counts and
 * sums: drivers hand bigint and numeric over as text). A row of another shape is an error naming the
 * field, where a cast would pass it on as NaN or undefined.
 */
export async function typedRows<S extends z.ZodType>(db: Db, query: SQL, row: S): Promise<z.output<S>[]> {
  return z.array(row).parse(await rows<unknown>(db, query));
}

/** The one row of a raw query, checked like typedRows. */
export async function typedOne<S extends z.ZodType>(db: Db, query: SQL, row: S): Promise<z.output<S>> {
  const [first] = await typedRows(db, query, row);
  if (first === undefined) throw new Error('query returned no row');
  return first;
}

/** A number column as either driver returns it (number, or text for bigint and numeric). */
export const dbNumber = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i)]).transform(Number);

/** Rows of a raw query, whichever driver ran it; unchecked: prefer typedRows for new queries. */
export async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as T[];
  return (result as { rows: T[] }).rows;
}

export async function one<T>(db: Db, query: SQL): Promise<T> {
  const [row] = await rows<T>(db, query);
  if (row === undefined) throw new Error('query returned no row');
  return row;
}

const connectionErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '08000',
  '08001',
  '08003',
  '08006',
]);

/** True when an error (or one of its causes) says the database cannot be reached. */
export function isUnreachable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 6; depth++) {
    if (typeof current === 'object') {
      const { code, message } = current as { code?: unknown; message?: unknown };
      if (typeof code === 'string' && connectionErrorCodes.has(code)) return true;
      if (typeof message === 'string' && /PGlite is closed|connection.*(refused|terminated)/i.test(message)) return true;
      current = (current as { cause?: unknown }).cause;
    } else break;
  }
  return false;
}

declare global {
  var __revenueFunnelDb: Promise<DbHandle> | undefined;
}

/** The process-wide database, opened and migrated on first use. */
export function getDbHandle(): Promise<DbHandle> {
  globalThis.__revenueFunnelDb ??= openDb({ url: env().DATABASE_URL }).catch((error: unknown) => {
    globalThis.__revenueFunnelDb = undefined;
    throw error;
  });
  return globalThis.__revenueFunnelDb;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

export { sql };
