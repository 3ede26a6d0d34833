// A fresh database per test file: in-memory PGlite, or a new database on the DATABASE_URL server
// that is dropped afterwards. On a Citus coordinator the new database is a cluster of its own
// (serverDb.ts), and openDb's migration step places its tables by the distribution map.
import { env } from '~/env';
import { randomBytes } from 'node:crypto';
import { openDb, type DbHandle } from './client';
import { createServerDatabase, dropServerDatabase } from './serverDb';

export type { DbHandle };

/** A test database; `url` names it when it lives on a server (for a server process to open). */
export type TestDb = DbHandle & { url?: string };

export async function createTestDb(serverUrl = env().DATABASE_URL): Promise<TestDb> {
  if (!serverUrl) return openDb({ dataDir: 'memory' });

  const name = `rf_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = await createServerDatabase(serverUrl, name, {
    // Four shards a distributed table (32 by default) and as many connections to a worker per
    // statement: small fixtures, test files side by side, and still every statement crosses
    // shards and workers.
    citusSettings: { 'citus.shard_count': '4', 'citus.max_adaptive_executor_pool_size': '4' },
  });
  const handle = await openDb({ url, max: 4 });
  return {
    ...handle,
    url,
    async close() {
      await handle.close();
      await dropServerDatabase(serverUrl, name);
    },
  };
}
