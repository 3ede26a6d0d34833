// A fresh database per test file: in-memory PGlite, or a new database on the DATABASE_URL server
// that is dropped afterwards. On a Citus coordinator the new database is a cluster of its own:
// created with the extension on the coordinator and on every worker, the workers joined, and the
// tables placed by the distribution map (openDb's migration step does that).
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDb, type DbHandle } from './client';

export type { DbHandle };

const quiet = { max: 1, onnotice: () => {} } as const;

function withDatabase(serverUrl: string, name: string, host?: string, port?: number): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  if (host) url.hostname = host;
  if (port) url.port = String(port);
  return url.toString();
}

/** A test database; `url` names it when it lives on a server (for a server process to open). */
export type TestDb = DbHandle & { url?: string };

export async function createTestDb(serverUrl = process.env.DATABASE_URL): Promise<TestDb> {
  if (!serverUrl) return openDb({ dataDir: 'memory' });

  const name = `rf_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, quiet);
  const [citus] = await admin<{ yes: boolean }[]>`select exists (select 1 from pg_extension where extname = 'citus') as yes`;
  const workers = citus?.yes
    ? await admin<{ host: string; port: number }[]>`select nodename as host, nodeport as port from pg_dist_node where groupid <> 0 order by nodeid`
    : [];
  const coordinator = new URL(serverUrl);

  await admin.unsafe(`create database ${name}`);
  if (citus?.yes) {
    for (const w of workers) {
      const worker = postgres(withDatabase(serverUrl, 'postgres', w.host, w.port), quiet);
      try {
        await worker.unsafe(`create database ${name}`);
      } finally {
        await worker.end({ timeout: 5 });
      }
      const workerDb = postgres(withDatabase(serverUrl, name, w.host, w.port), quiet);
      try {
        await workerDb.unsafe('create extension citus');
      } finally {
        await workerDb.end({ timeout: 5 });
      }
    }
    const fresh = postgres(withDatabase(serverUrl, name), quiet);
    try {
      await fresh.unsafe('create extension citus');
      // Four shards a distributed table (32 by default): small fixtures, two cores, and still
      // every statement crosses shards and workers.
      await fresh.unsafe(`alter database ${name} set citus.shard_count = 4`);
      // As many connections to a worker as it has shards of a table: test files run side by side.
      await fresh.unsafe(`alter database ${name} set citus.max_adaptive_executor_pool_size = 4`);
      await fresh`select citus_set_coordinator_host(${coordinator.hostname}, ${Number(coordinator.port || 5432)})`;
      for (const w of workers) await fresh`select citus_add_node(${w.host}, ${w.port})`;
    } finally {
      await fresh.end({ timeout: 5 });
    }
  }

  const handle = await openDb({ url: withDatabase(serverUrl, name), max: 4 });
  return {
    ...handle,
    url: withDatabase(serverUrl, name),
    async close() {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      for (const w of workers) {
        const worker = postgres(withDatabase(serverUrl, 'postgres', w.host, w.port), quiet);
        try {
          await worker.unsafe(`drop database if exists ${name} with (force)`);
        } finally {
          await worker.end({ timeout: 5 });
        }
      }
      await admin.end({ timeout: 5 });
    },
  };
}
