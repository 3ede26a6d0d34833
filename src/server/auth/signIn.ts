// Checks an email and password against `users`, with throttling (rateLimit.ts). The answer does
// not tell a wrong email from a wrong password; a disabled account is only named once the password
// was right. A throttled attempt is refused before the password is looked at, and audited.
import type { Db } from '~/server/db/client';
import { audit } from './audit';
import { issueDeviceToken, knownDevice } from './device';
import { unmatchableHash, verifyPassword } from './passwords';
import { clearPairFailures, recordSignInFailure, signInThrottle, type Attempt } from './rateLimit';
import { getAuthSecret } from './secret';
import { getSetting } from '~/server/settings';
import { ssoEnv } from './sso';
import { activeSessionUser, findUserByEmail, isRole, type SessionUser } from './users';

export type SignInResult =
  | { ok: true; user: SessionUser; /** a fresh known-device token for the browser */ deviceToken: string }
  | { ok: false; reason: 'invalid' | 'disabled' | 'ssoOnly' }
  | { ok: false; reason: 'limited'; retryAfterSeconds: number };

export interface SignInInput {
  email: string;
  password: string;
  /** the client address (clientAddress()), null when unknown */
  address: string | null;
  /** the known-device cookie the browser sent, if any */
  deviceToken?: string | null;
}

export async function authenticate(db: Db, input: SignInInput, now = new Date()): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  const secret = await getAuthSecret(db);
  const device = knownDevice(secret, email, input.deviceToken, now);
  const attempt: Attempt = { email, address: input.address, device };
  const throttle = await signInThrottle(db, attempt, now);
  if (throttle) {
    await audit(db, null, 'auth.throttled', {
      email,
      address: input.address,
      knownDevice: device !== null,
      scope: throttle.scope,
      failures: throttle.failures,
      retryAfterSeconds: throttle.retryAfterSeconds,
    });
    return { ok: false, reason: 'limited', retryAfterSeconds: throttle.retryAfterSeconds };
  }

  const row = await findUserByEmail(db, email);
  const matches = await verifyPassword(input.password, row?.passwordHash ?? unmatchableHash);
  if (!row || !row.passwordHash || !matches || !isRole(row.role)) {
    await recordSignInFailure(db, attempt, now);
    return { ok: false, reason: 'invalid' };
  }
  const user = activeSessionUser(row);
  if (!user) return { ok: false, reason: 'disabled' };
  if (!(await passwordSignInAllowed(db, user))) return { ok: false, reason: 'ssoOnly' };
  await clearPairFailures(db, attempt);
  return { ok: true, user, deviceToken: issueDeviceToken(secret, email, now, device ?? undefined) };
}

/**
 * Whether this account may sign in with a password: always, unless single sign-on is configured
 * and an admin turned password sign-in off; admin accounts keep it (the break-glass accounts).
 */
export async function passwordSignInAllowed(db: Db, user: SessionUser): Promise<boolean> {
  if (user.role === 'admin' || !ssoEnv()) return true;
  return (await getSetting(db, 'sso')).passwordSignIn;
}

/** The active user with this email, for a sign-in through the identity provider. */
export async function findActiveUserByEmail(db: Db, email: string): Promise<SessionUser | null> {
  return activeSessionUser(await findUserByEmail(db, email));
}
