// Creating and dropping a database on a server. On a Citus coordinator (its maintenance database
// has the citus extension) a new database is a cluster of its own: Citus keeps its metadata per
// database, so the database is created on the coordinator and on every worker with the
// extension, and the workers are joined to it. Used by the tests and the benchmarks.
import postgres from 'postgres';

const quiet = { max: 1, onnotice: () => {} } as const;

/** `serverUrl` with another database (and, for a worker, another host and port). */
export function databaseUrl(serverUrl: string, name: string, host?: string, port?: number): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  if (host) url.hostname = host;
  if (port) url.port = String(port);
  return url.toString();
}

async function once<T>(url: string, run: (client: postgres.Sql) => Promise<T>): Promise<T> {
  const client = postgres(url, quiet);
  try {
    return await run(client);
  } finally {
    await client.end({ timeout: 5 });
  }
}

interface Worker {
  host: string;
  port: number;
}

/** The workers of the Citus cluster `serverUrl` names; null when it is no Citus coordinator. */
export async function clusterWorkers(serverUrl: string): Promise<Worker[] | null> {
  return once(databaseUrl(serverUrl, 'postgres'), async (admin) => {
    const [citus] = await admin<{ yes: boolean }[]>`select exists (select 1 from pg_extension where extname = 'citus') as yes`;
    if (!citus?.yes) return null;
    return admin<Worker[]>`select nodename as host, nodeport as port from pg_dist_node where groupid <> 0 order by nodeid`;
  });
}

export interface CreateOptions {
  /** Citus settings of the new database, e.g. { 'citus.shard_count': '4' } */
  citusSettings?: Record<string, string>;
}

/** Creates `name` (a cluster database on a Citus coordinator); returns its URL. Not migrated. */
export async function createServerDatabase(serverUrl: string, name: string, options: CreateOptions = {}): Promise<string> {
  const workers = await clusterWorkers(serverUrl);
  await once(databaseUrl(serverUrl, 'postgres'), (admin) => admin.unsafe(`create database "${name}"`));
  if (workers) {
    for (const w of workers) {
      await once(databaseUrl(serverUrl, 'postgres', w.host, w.port), (admin) => admin.unsafe(`create database "${name}"`));
      await once(databaseUrl(serverUrl, name, w.host, w.port), (db) => db.unsafe('create extension citus'));
    }
    const coordinator = new URL(serverUrl);
    await once(databaseUrl(serverUrl, name), async (db) => {
      await db.unsafe('create extension citus');
      for (const [setting, value] of Object.entries(options.citusSettings ?? {})) {
        await db.unsafe(`alter database "${name}" set ${setting} = ${value}`);
      }
      await db`select citus_set_coordinator_host(${coordinator.hostname}, ${Number(coordinator.port || 5432)})`;
      for (const w of workers) await db`select citus_add_node(${w.host}, ${w.port})`;
    });
  }
  return databaseUrl(serverUrl, name);
}

/** Drops `name` everywhere it was created. */
export async function dropServerDatabase(serverUrl: string, name: string): Promise<void> {
  const workers = await clusterWorkers(serverUrl);
  await once(databaseUrl(serverUrl, 'postgres'), (admin) => admin.unsafe(`drop database if exists "${name}" with (force)`));
  for (const w of workers ?? []) {
    await once(databaseUrl(serverUrl, 'postgres', w.host, w.port), (admin) => admin.unsafe(`drop database if exists "${name}" with (force)`));
  }
}
