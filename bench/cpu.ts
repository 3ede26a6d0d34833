// CPU time, which holds on a loaded machine where wall time does not: this process's
// (process.cpuUsage) and Postgres backends' on the same machine (utime + stime from /proc).
import { existsSync, readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '~/server/db/client';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU milliseconds a Postgres backend has used so far; null when its /proc entry cannot be read. */
export function backendCpuMs(pid: number): number | null {
  const file = `/proc/${pid}/stat`;
  if (!existsSync(file)) return null;
  const stat = readFileSync(file, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** CPU milliseconds this process has used so far. */
export function nodeCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * CPU milliseconds so far of this process and every backend serving its database; null where
 * Postgres does not run on this machine.
 */
export async function cpuMsSoFar(db: Db): Promise<number | null> {
  const found = await rows<{ pid: number }>(db, sql`select pid from pg_stat_activity where datname = current_database()`);
  let backends = 0;
  for (const { pid } of found) {
    const ms = backendCpuMs(Number(pid));
    if (ms === null) return null;
    backends += ms;
  }
  return backends + nodeCpuMs();
}
