// Reads the next-auth session cookie (a signed, encrypted JWT) from request headers and resolves
// it to an active user. Used by the tRPC context and any route handler; works without Next.
import { decode } from 'next-auth/jwt';
import type { Db } from '~/server/db/client';
import { getAuthSecret } from './secret';
import { loadActiveUser, type SessionUser } from './users';

export const sessionCookieNames = ['__Secure-next-auth.session-token', 'next-auth.session-token'] as const;

export function readCookie(headers: Headers, name: string): string | undefined {
  const header = headers.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eqAt = part.indexOf('=');
    if (eqAt < 0) continue;
    if (part.slice(0, eqAt).trim() === name) return decodeURIComponent(part.slice(eqAt + 1).trim());
  }
  return undefined;
}

export function hasSessionCookie(headers: Headers): boolean {
  return sessionCookieNames.some((name) => readCookie(headers, name) !== undefined);
}

/** The user id a session token names, or null when it is absent, forged or expired. */
export async function sessionUserId(headers: Headers, secret: string): Promise<number | null> {
  for (const name of sessionCookieNames) {
    const token = readCookie(headers, name);
    if (!token) continue;
    try {
      const payload = await decode({ token, secret });
      const id = Number(payload?.sub);
      if (Number.isInteger(id) && id > 0) return id;
    } catch {
      // A token signed with another secret, or tampered with: treated as signed out.
    }
  }
  return null;
}

export async function userFromHeaders(db: Db, headers: Headers): Promise<SessionUser | null> {
  if (!hasSessionCookie(headers)) return null;
  const id = await sessionUserId(headers, await getAuthSecret(db));
  return id === null ? null : loadActiveUser(db, id);
}
