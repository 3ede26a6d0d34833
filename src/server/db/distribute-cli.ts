// npm run db:distribute: on a Citus coordinator, applies the migrations and places every table as
// src/server/db/distribution.ts declares (reference, local, distributed and co-located), then
// lists where each table is. Idempotent. On plain Postgres or PGlite it does nothing and says so.
import { openDb, rows, sql } from './client';
import { distribute, hasCitus } from './distribution';
import { retryWhileUnreachable, runCli } from './retry';

await runCli(async () => {
  const url = process.env.DATABASE_URL || undefined;
  const probe = await retryWhileUnreachable(() => openDb({ url, migrate: false }), { what: 'open the database' });
  const citus = probe.kind === 'postgres' && (await hasCitus(probe.db));
  await probe.close();
  if (!citus) {
    console.log('this database has no citus extension: nothing to distribute');
    return;
  }
  // Migrating places the tables the migrations created (client.ts), under the migration lock.
  const handle = await openDb({ url });
  try {
    const { placed } = await distribute(handle.db);
    const where = await rows<{ kind: string; tables: string }>(
      handle.db,
      sql`select case when partmethod = 'h' then 'distributed' when repmodel = 't' then 'reference' else 'local' end as kind,
            string_agg(logicalrelid::regclass::text || coalesce(' by ' || column_to_column_name(logicalrelid, partkey), ''),
              ', ' order by logicalrelid::regclass::text) as tables
          from pg_dist_partition group by 1 order by 1`,
    );
    for (const row of where) console.log(`${row.kind}: ${row.tables}`);
    if (placed.length > 0) console.log(`placed after migrating: ${placed.join(', ')}`);
  } finally {
    await handle.close();
  }
});
