// Sign-in throttling, per account and per client address, counted in the database so that every
// app process shares the counts. A success clears the account's failures, not the address's.
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import { one, type Db } from '~/server/db/client';
import { signInFailures } from '~/server/db/schema';

export const signInLimits = {
  windowMinutes: 15,
  perAccount: 5,
  perAddress: 20,
} as const;

export interface Attempt {
  email: string;
  address: string | null;
}

const accountKey = (email: string) => email.trim().toLowerCase();

/** True when either the account or the address has used up its failures in the window. */
export async function isSignInLimited(db: Db, attempt: Attempt, now = new Date()): Promise<boolean> {
  const since = new Date(now.getTime() - signInLimits.windowMinutes * 60_000).toISOString();
  const row = await one<{ account: number; address: number }>(
    db,
    sql`select
      (select count(*)::int from sign_in_failures where scope = 'account' and subject = ${accountKey(attempt.email)} and at > ${since}::timestamptz) as account,
      (select count(*)::int from sign_in_failures where scope = 'address' and subject = ${attempt.address ?? ''} and at > ${since}::timestamptz) as address`,
  );
  return row.account >= signInLimits.perAccount || (attempt.address !== null && row.address >= signInLimits.perAddress);
}

export async function recordSignInFailure(db: Db, attempt: Attempt, now = new Date()): Promise<void> {
  const values = [{ scope: 'account', subject: accountKey(attempt.email), at: now }];
  if (attempt.address) values.push({ scope: 'address', subject: attempt.address, at: now });
  await db.insert(signInFailures).values(values);
  // Old rows count for nothing; drop them now and then rather than on every failure.
  if (Math.random() < 0.05) {
    await db.delete(signInFailures).where(lt(signInFailures.at, new Date(now.getTime() - 24 * 3_600_000)));
  }
}

export async function clearAccountFailures(db: Db, email: string, now = new Date()): Promise<void> {
  const since = new Date(now.getTime() - signInLimits.windowMinutes * 60_000);
  await db
    .delete(signInFailures)
    .where(and(eq(signInFailures.scope, 'account'), eq(signInFailures.subject, accountKey(email)), gt(signInFailures.at, since)));
}

/** The client address as the first proxy saw it. Only meaningful behind a proxy that sets it. */
export function clientAddress(headers: Headers | Record<string, string | string[] | undefined>): string | null {
  const get = (name: string): string | undefined => {
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const forwarded = get('x-forwarded-for')?.split(',')[0]?.trim();
  return forwarded || get('x-real-ip')?.trim() || null;
}
