// Named leases in the database: whichever server instance holds an unexpired lease runs the
// evaluation it names; the others skip it. A holder that dies loses the lease when it expires.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '~/server/db/client';

/** This process's name as a lease holder. */
export const processHolder = `${process.pid}-${randomUUID()}`;

/**
 * Takes (or renews) the lease when it is free, expired or already ours; true when held. Two
 * statements rather than one upsert with a condition: a Citus cluster allows no clock in an
 * upsert's condition. The update waits for a concurrent taker and then sees its new expiry.
 */
export async function acquireLease(db: Db, name: string, holder: string, ttlMs: number): Promise<boolean> {
  const expires = sql`statement_timestamp() + make_interval(secs => ${ttlMs / 1000}::float8)`;
  const renewed = await rows<{ holder: string }>(
    db,
    sql`update alert_leases set holder = ${holder}, expires_at = ${expires}
    where name = ${name} and (expires_at < statement_timestamp() or holder = ${holder})
    returning holder`,
  );
  if (renewed.length === 1) return true;
  const taken = await rows<{ holder: string }>(
    db,
    sql`insert into alert_leases (name, holder, expires_at) values (${name}, ${holder}, ${expires})
    on conflict (name) do nothing
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
