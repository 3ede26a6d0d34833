// Creating and dropping a database on a server. On a Citus coordinator (its maintenance database
// has the citus extension) a new database is a cluster of its own: Citus keeps its metadata per
// database, so the database is created on the coordinator and on every worker with the
// extension, and the workers are joined to it. Used by the tests and the benchmarks.
// A cluster database can also be copied whole from a template (`templateDatabase`): every node
// copies its own part, so the copy is a joined cluster with its tables placed, in about a second.
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
  /** a database made by `templateDatabase` to copy (on every node of a cluster) */
  template?: string;
}

/** Creates `name` (a cluster database on a Citus coordinator); returns its URL. Not migrated, unless copied. */
export async function createServerDatabase(serverUrl: string, name: string, options: CreateOptions = {}): Promise<string> {
  const workers = await clusterWorkers(serverUrl);
  const create = `create database "${name}"${options.template ? ` template "${options.template}"` : ''}`;
  if (workers && options.template) {
    // The template's parts already hold the extension, the joined nodes and the placed tables:
    // every node copies its own, side by side.
    await Promise.all(
      [databaseUrl(serverUrl, 'postgres'), ...workers.map((w) => databaseUrl(serverUrl, 'postgres', w.host, w.port))].map(
        (adminUrl) => once(adminUrl, (admin) => admin.unsafe(create)),
      ),
    );
    // Settings of a database are not copied with it.
    await once(databaseUrl(serverUrl, 'postgres'), async (admin) => {
      for (const [setting, value] of Object.entries(options.citusSettings ?? {})) {
        await admin.unsafe(`alter database "${name}" set ${setting} = ${value}`);
      }
    });
    return databaseUrl(serverUrl, name);
  }
  await once(databaseUrl(serverUrl, 'postgres'), (admin) => admin.unsafe(create));
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
  // Every node drops its part, side by side.
  await Promise.all(
    [databaseUrl(serverUrl, 'postgres'), ...(workers ?? []).map((w) => databaseUrl(serverUrl, 'postgres', w.host, w.port))].map(
      (adminUrl) => once(adminUrl, (admin) => admin.unsafe(`drop database if exists "${name}" with (force)`)),
    ),
  );
}

/** Every session of `name` on the nodes ended (Citus's maintenance daemons among them). */
async function endSessions(adminUrls: string[], name: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    let left = 0;
    for (const adminUrl of adminUrls) {
      const [found] = await once(
        adminUrl,
        (admin) => admin<{ n: number }[]>`
          select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
          where datname = ${name} and pid <> pg_backend_pid()`,
      );
      left += found?.n ?? 0;
    }
    if (left === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`sessions of ${name} do not end`);
}

/**
 * A database to copy (`CreateOptions.template`), made by `prepare` (e.g. migrating it) once:
 * later calls with the same name find it. On a Citus coordinator it is a cluster database, made
 * under `<name>_build`, its sessions ended on every node (a copy needs a database nobody is in),
 * then renamed on the workers and last on the coordinator, whose copy existing means ready.
 * Other templates whose names start with `family` are dropped (an older schema's).
 */
export async function templateDatabase(
  serverUrl: string,
  name: string,
  family: string,
  prepare: (url: string) => Promise<void>,
  options: Omit<CreateOptions, 'template'> = {},
): Promise<void> {
  const admin = postgres(databaseUrl(serverUrl, 'postgres'), quiet);
  try {
    // One builder at a time on this server (test processes side by side): a lock held by this session.
    await admin`select pg_advisory_lock(7262002)`;
    const [ready] = await admin<{ yes: boolean }[]>`select exists (select 1 from pg_database where datname = ${name}) as yes`;
    if (ready?.yes) return;
    const workers = (await clusterWorkers(serverUrl)) ?? [];
    const adminUrls = [
      databaseUrl(serverUrl, 'postgres'),
      ...workers.map((w) => databaseUrl(serverUrl, 'postgres', w.host, w.port)),
    ];
    const stale = await admin<{ name: string }[]>`
      select datname as name from pg_database where datname like ${`${family}%`} and datname <> ${name}`;
    for (const { name: old } of stale) await dropServerDatabase(serverUrl, old);
    const build = `${name}_build`;
    // Leftovers of a build cut short: its parts, or a name renamed on the workers only.
    await dropServerDatabase(serverUrl, build);
    await dropServerDatabase(serverUrl, name);
    await prepare(await createServerDatabase(serverUrl, build, options));
    await endSessions(adminUrls, build);
    for (const adminUrl of [...adminUrls.slice(1), adminUrls[0]!]) {
      await once(adminUrl, (node) => node.unsafe(`alter database "${build}" rename to "${name}"`));
    }
  } finally {
    await admin.end({ timeout: 5 });
  }
}
