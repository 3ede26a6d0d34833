// The permission matrix as stored in `settings` under 'permissions', seeded with the default on
// first read. The parsed matrix is cached per database; every read checks the row's updated_at
// (one primary-key lookup) so that a change made by any process applies on the very next call:
// revoking a right must not wait for a cache to expire.
import { eq, sql } from 'drizzle-orm';
import { one, type Db } from '~/server/db/client';
import { settings } from '~/server/db/schema';
import { defaultMatrix, normaliseMatrix, type PermissionMatrix } from './rights';

export const permissionsKey = 'permissions';

interface Cached {
  version: string;
  matrix: PermissionMatrix;
}

const cache = new WeakMap<Db, Cached>();

export async function loadPermissions(db: Db): Promise<PermissionMatrix> {
  const head = await one<{ version: string | null }>(
    db,
    sql`select (select (extract(epoch from updated_at) * 1000000)::bigint::text from settings where key = ${permissionsKey}) as version`,
  );
  if (head.version === null) return seedPermissions(db);
  const cached = cache.get(db);
  if (cached && cached.version === head.version) return cached.matrix;
  return readPermissions(db);
}

async function readPermissions(db: Db): Promise<PermissionMatrix> {
  const row = await one<{ value: unknown; version: string }>(
    db,
    sql`select value, (extract(epoch from updated_at) * 1000000)::bigint::text as version from settings where key = ${permissionsKey}`,
  );
  const matrix = normaliseMatrix(row.value);
  cache.set(db, { version: row.version, matrix });
  return matrix;
}

async function seedPermissions(db: Db): Promise<PermissionMatrix> {
  await db.insert(settings).values({ key: permissionsKey, value: defaultMatrix }).onConflictDoNothing();
  return readPermissions(db);
}

export async function savePermissions(db: Db, matrix: PermissionMatrix): Promise<PermissionMatrix> {
  const value = normaliseMatrix(matrix);
  // statement_timestamp() rather than now(): two saves in one transaction must still differ (and
  // unlike clock_timestamp() it is not volatile, which a Citus cluster refuses in writes to shared tables).
  await db
    .insert(settings)
    .values({ key: permissionsKey, value, updatedAt: sql`statement_timestamp()` })
    // excluded.updated_at: a cluster evaluates the clock in the inserted row, not in the update.
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: sql`excluded.updated_at` } });
  cache.delete(db);
  return readPermissions(db);
}

export async function resetPermissions(db: Db): Promise<void> {
  await db.delete(settings).where(eq(settings.key, permissionsKey));
  cache.delete(db);
}
