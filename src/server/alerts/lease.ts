// Named leases in the database: whichever server instance holds an unexpired lease runs the
// evaluation it names; the others skip it. A holder that dies loses the lease when it expires.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '~/server/db/client';

/** This process's name as a lease holder. */
export const processHolder = `${process.pid}-${randomUUID()}`;

/** Takes (or renews) the lease when it is free, expired or already ours; true when held. */
export async function acquireLease(db: Db, name: string, holder: string, ttlMs: number): Promise<boolean> {
  const taken = await rows<{ holder: string }>(
    db,
    sql`insert into alert_leases (name, holder, expires_at)
    values (${name}, ${holder}, clock_timestamp() + make_interval(secs => ${ttlMs / 1000}::float8))
    on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at
      where alert_leases.expires_at < clock_timestamp() or alert_leases.holder = excluded.holder
    returning holder`,
  );
  return taken.length === 1;
}

export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db.execute(sql`delete from alert_leases where name = ${name} and holder = ${holder}`);
}

/** Runs `fn` while holding the lease; null without running it when another holder has it. */
export async function withLease<T>(db: Db, name: string, holder: string, ttlMs: number, fn: () => Promise<T>): Promise<T | null> {
  if (!(await acquireLease(db, name, holder, ttlMs))) return null;
  try {
    return await fn();
  } finally {
    await releaseLease(db, name, holder);
  }
}
