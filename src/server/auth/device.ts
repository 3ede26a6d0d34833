// The known-device cookie: set after a successful password sign-in, it names the account and a
// random device id, signed with the auth secret. A browser that carries a valid one for the account
// it signs in to is throttled on its own (see rateLimit.ts), so strangers failing on that account
// from elsewhere, or from behind the same address, do not slow its owner.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { accountKey } from './rateLimit';

export const deviceCookieName = 'rf-device';
export const deviceCookieMaxAgeSeconds = 90 * 24 * 3600;

function signature(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`known-device:${payload}`).digest('base64url');
}

/** A new signed token for this account: `<device id>.<issued, unix seconds>.<signature>`. */
export function issueDeviceToken(secret: string, email: string, now = new Date(), device = randomBytes(16).toString('base64url')): string {
  const issued = Math.floor(now.getTime() / 1000);
  const payload = `${device}.${issued}`;
  return `${payload}.${signature(secret, `${accountKey(email)}.${payload}`)}`;
}

/** The device id of a token signed for this account and not older than the cookie's life, else null. */
export function knownDevice(secret: string, email: string, token: string | null | undefined, now = new Date()): string | null {
  if (!token) return null;
  const [device, issuedText, given, ...rest] = token.split('.');
  if (!device || !issuedText || !given || rest.length > 0 || !/^[\w-]{16,64}$/.test(device)) return null;
  const issued = Number(issuedText);
  const age = now.getTime() / 1000 - issued;
  if (!Number.isInteger(issued) || age < -60 || age > deviceCookieMaxAgeSeconds) return null;
  const expected = Buffer.from(signature(secret, `${accountKey(email)}.${device}.${issued}`));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? device : null;
}

/** The Set-Cookie value for a token: httpOnly, same-site, Secure over https. */
export function deviceCookie(token: string, secure: boolean): string {
  return [`${deviceCookieName}=${token}`, 'Path=/api/auth', `Max-Age=${deviceCookieMaxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])].join('; ');
}
