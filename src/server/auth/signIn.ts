// Checks an email and password against `users`, with throttling. The answer does not tell a wrong
// email from a wrong password; a disabled account is only named once the password was right.
import type { Db } from '~/server/db/client';
import { unmatchableHash, verifyPassword } from './passwords';
import { clearAccountFailures, isSignInLimited, recordSignInFailure } from './rateLimit';
import { activeSessionUser, findUserByEmail, isRole, type SessionUser } from './users';

export type SignInResult = { ok: true; user: SessionUser } | { ok: false; reason: 'invalid' | 'disabled' | 'limited' };

export async function authenticate(
  db: Db,
  input: { email: string; password: string; address: string | null },
  now = new Date(),
): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  const attempt = { email, address: input.address };
  if (await isSignInLimited(db, attempt, now)) return { ok: false, reason: 'limited' };

  const row = await findUserByEmail(db, email);
  const matches = await verifyPassword(input.password, row?.passwordHash ?? unmatchableHash);
  if (!row || !row.passwordHash || !matches || !isRole(row.role)) {
    await recordSignInFailure(db, attempt, now);
    return { ok: false, reason: 'invalid' };
  }
  const user = activeSessionUser(row);
  if (!user) return { ok: false, reason: 'disabled' };
  await clearAccountFailures(db, email, now);
  return { ok: true, user };
}

/** The active user with this email, for a sign-in through the identity provider. */
export async function findActiveUserByEmail(db: Db, email: string): Promise<SessionUser | null> {
  return activeSessionUser(await findUserByEmail(db, email));
}
