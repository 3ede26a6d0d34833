// Sign-in throttling by exponential back-off, counted in the database so that every app process
// shares the counts. Nobody is ever locked out for long: after a few free failures each further
// failure doubles the wait before the next attempt, up to a cap, and the wait is counted
//
//   - per account and source: the source is the browser's known-device id when it carries a valid
//     device cookie for this account (set after a successful sign-in), else the client address;
//   - per account across every unknown source, with a short cap, against guessing from many
//     addresses; a known device is not slowed by it;
//   - per address across every account, generous, against spraying one password over accounts;
//     a known device is not slowed by it either.
//
// So an attacker failing on the owner's account slows themselves and other unknown devices by
// seconds, while the owner's own browser signs in at once. A success clears its own pair's count.
import { and, eq, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { dbNumber, typedOne, type Db } from '~/server/db/client';
import { signInFailures } from '~/server/db/schema';

export interface BackOff {
  /** failures that cost nothing */
  free: number;
  /** the first wait, after free + 1 failures */
  baseSeconds: number;
  maxSeconds: number;
}

export const signInLimits = {
  /** failures older than this count for nothing */
  windowMinutes: 60,
  pair: { free: 3, baseSeconds: 2, maxSeconds: 15 * 60 },
  account: { free: 10, baseSeconds: 2, maxSeconds: 60 },
  address: { free: 20, baseSeconds: 2, maxSeconds: 60 },
} as const satisfies { windowMinutes: number } & Record<'pair' | 'account' | 'address', BackOff>;

/** Seconds to wait after `failures` failures: 0 up to `free`, then base, 2 x base, ... up to max. */
export function backOffSeconds(limit: BackOff, failures: number): number {
  if (failures <= limit.free) return 0;
  return Math.min(limit.maxSeconds, limit.baseSeconds * 2 ** Math.min(failures - limit.free - 1, 30));
}

export interface Attempt {
  email: string;
  /** the client address as resolved by clientAddress(), null when unknown */
  address: string | null;
  /** the known-device id from a valid device cookie for this account, null for an unknown device */
  device: string | null;
}

export type Scope = 'pair' | 'account' | 'address';

export interface Throttle {
  scope: Scope;
  failures: number;
  retryAfterSeconds: number;
}

export const accountKey = (email: string) => email.trim().toLowerCase();

function pairKey(attempt: Attempt): string {
  const source = attempt.device ? `device:${attempt.device}` : `address:${attempt.address ?? 'unknown'}`;
  return `${accountKey(attempt.email)} ${source}`;
}

/** The subjects an attempt is counted under; a known device only under its own pair. */
function subjects(attempt: Attempt): { scope: Scope; subject: string }[] {
  const list: { scope: Scope; subject: string }[] = [{ scope: 'pair', subject: pairKey(attempt) }];
  if (!attempt.device) {
    list.push({ scope: 'account', subject: accountKey(attempt.email) });
    if (attempt.address) list.push({ scope: 'address', subject: attempt.address });
  }
  return list;
}

/** The longest wait still running for this attempt, or null when it may go ahead. */
export async function signInThrottle(db: Db, attempt: Attempt, now = new Date()): Promise<Throttle | null> {
  const since = new Date(now.getTime() - signInLimits.windowMinutes * 60_000).toISOString();
  let worst: Throttle | null = null;
  for (const { scope, subject } of subjects(attempt)) {
    const row = await typedOne(
      db,
      sql`select count(*)::int as failures, max(at)::text as last from sign_in_failures
          where scope = ${scope} and subject = ${subject} and at > ${since}::timestamptz`,
      z.object({ failures: dbNumber, last: z.string().nullable() }),
    );
    const wait = backOffSeconds(signInLimits[scope], row.failures);
    if (wait === 0 || row.last === null) continue;
    const remaining = Math.ceil((new Date(row.last).getTime() + wait * 1000 - now.getTime()) / 1000);
    if (remaining > 0 && (!worst || remaining > worst.retryAfterSeconds)) {
      worst = { scope, failures: row.failures, retryAfterSeconds: remaining };
    }
  }
  return worst;
}

export async function recordSignInFailure(db: Db, attempt: Attempt, now = new Date()): Promise<void> {
  await db.insert(signInFailures).values(subjects(attempt).map((s) => ({ ...s, at: now })));
  // Old rows count for nothing; drop them now and then rather than on every failure.
  if (Math.random() < 0.05) {
    await db.delete(signInFailures).where(lt(signInFailures.at, new Date(now.getTime() - 24 * 3_600_000)));
  }
}

/**
 * A success clears its own pair only: an attacker's failures from elsewhere keep counting against
 * them, and the account-wide count is not reset by whoever happens to know the password.
 */
export async function clearPairFailures(db: Db, attempt: Attempt): Promise<void> {
  await db.delete(signInFailures).where(and(eq(signInFailures.scope, 'pair'), eq(signInFailures.subject, pairKey(attempt))));
}
