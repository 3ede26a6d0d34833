// Reads the next-auth session cookie (a signed, encrypted JWT) from request headers and resolves
// it to an active user. Used by the tRPC context and any route handler; works without Next.
import { decode } from 'next-auth/jwt';
import type { Db } from '~/server/db/client';
import { getAuthSecret } from './secret';
import { sessionStillValid } from './sso';
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

/**
 * The user id and server-side session (`sid`) a session token names, or null when it is absent,
 * forged or expired.
 */
export async function sessionOf(headers: Headers, secret: string): Promise<{ userId: number; sid: string | null } | null> {
  for (const name of sessionCookieNames) {
    const token = readCookie(headers, name);
    if (!token) continue;
    try {
      const payload = await decode({ token, secret });
      const id = Number(payload?.sub);
      if (Number.isInteger(id) && id > 0) return { userId: id, sid: typeof payload?.sid === 'string' ? payload.sid : null };
    } catch {
      // A token signed with another secret, or tampered with: treated as signed out.
    }
  }
  return null;
}

/** The user id a session token names, or null when it is absent, forged or expired. */
export async function sessionUserId(headers: Headers, secret: string): Promise<number | null> {
  return (await sessionOf(headers, secret))?.userId ?? null;
}

/**
 * The signed-in user of a request, or null. A token naming a server-side session (every sign-in
 * makes one) is honoured only while that session lives: sign-out ends it, and so does the
 * identity provider no longer vouching for the person (sso.ts).
 */
export async function userFromHeaders(db: Db, headers: Headers): Promise<SessionUser | null> {
  if (!hasSessionCookie(headers)) return null;
  const session = await sessionOf(headers, await getAuthSecret(db));
  if (!session) return null;
  if (session.sid !== null && !(await sessionStillValid(db, session.sid, session.userId))) return null;
  return loadActiveUser(db, session.userId);
}
