// CPU time of a benchmark: this process and every backend serving its database, from /proc (the
// run time schedstat keeps, in nanoseconds). Unlike wall time it barely moves with the load other
// work puts on a shared machine. Null where Postgres does not run on this machine.
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Db } from '~/server/db/client';

export async function cpuMsSoFar(db: Db): Promise<number | null> {
  const found = await db.execute(sql`select pid from pg_stat_activity where datname = current_database()`);
  const pids = (Array.isArray(found) ? found : (found as { rows: { pid: number }[] }).rows).map((r: { pid: number }) => Number(r.pid));
  let backends = 0;
  try {
    for (const pid of pids) backends += Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return null;
  }
  const usage = process.cpuUsage();
  return backends + (usage.user + usage.system) / 1000;
}
