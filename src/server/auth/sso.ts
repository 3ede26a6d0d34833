// Single sign-on through the organisation's OpenID Connect provider (authorization code + PKCE;
// next-auth runs the exchange). This module decides who gets in and keeps asking:
//
// - At every sign-in the provider's userinfo is read and the person's groups (the claim an admin
//   chose, `groups` by default) are matched against the admin's mappings, in order: the first
//   group mapped gives the role and department. No mapped group: no entry. The account is created
//   at the first sign-in, and an existing account with the same email and no provider subject yet
//   is taken over by it.
// - Every sign-in is a row in `auth_sessions`, named by the cookie. On a request, a session whose
//   provider was last asked more than OIDC_RECHECK_SECONDS ago (60 by default) asks userinfo
//   again with the stored access token (refreshed when the provider gave a refresh token): a
//   person the provider no longer knows, or in no mapped group any more, is out at that request;
//   a changed group changes the role at once. Sign-out ends the row.
import { env } from '~/env';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '~/server/db/client';
import { authSessions, users } from '~/server/db/schema';
import { getSetting, type SsoSettings } from '~/server/settings';
import { audit } from './audit';
import type { Role } from './rights';
import { getAuthSecret } from './secret';
import { findUserByEmail } from './users';

export interface SsoEnv {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  recheckSeconds: number;
}

export function ssoEnv(): SsoEnv | null {
  const { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: clientId, OIDC_CLIENT_SECRET: clientSecret, OIDC_SCOPES, OIDC_RECHECK_SECONDS } = env();
  if (!issuer || !clientId || !clientSecret) return null;
  return { issuer: issuer.replace(/\/$/, ''), clientId, clientSecret, scopes: OIDC_SCOPES, recheckSeconds: OIDC_RECHECK_SECONDS };
}

// ---------------------------------------------------------------- group mapping (pure)

export type Claims = Record<string, unknown>;

/** The groups a claim lists: an array of names, or one name. */
export function groupsOf(claims: Claims, claim: string): string[] {
  const value = claims[claim];
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  return typeof value === 'string' && value ? [value] : [];
}

export interface Placement {
  group: string;
  role: Role;
  department: string;
}

/** The first mapping, in the admin's order, whose group the person is in; null when none. */
export function placementOf(claims: Claims, settings: Pick<SsoSettings, 'groupsClaim' | 'mappings'>): Placement | null {
  const groups = new Set(groupsOf(claims, settings.groupsClaim));
  const found = settings.mappings.find((m) => groups.has(m.group));
  return found ? { group: found.group, role: found.role, department: found.department } : null;
}

// ---------------------------------------------------------------- the provider

interface Discovery {
  userinfo_endpoint: string;
  token_endpoint: string;
}
const discoveries = new Map<string, Promise<Discovery>>();

async function discover(issuer: string): Promise<Discovery> {
  let found = discoveries.get(issuer);
  if (!found) {
    found = fetch(`${issuer}/.well-known/openid-configuration`).then(async (response) => {
      if (!response.ok) throw new Error(`OIDC discovery failed: ${response.status}`);
      return (await response.json()) as Discovery;
    });
    found.catch(() => discoveries.delete(issuer));
    discoveries.set(issuer, found);
  }
  return found;
}

export type UserinfoAnswer = { ok: true; claims: Claims } | { ok: false; status: number };

export async function fetchUserinfo(env: SsoEnv, accessToken: string): Promise<UserinfoAnswer> {
  const { userinfo_endpoint: url } = await discover(env.issuer);
  const response = await fetch(url, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } });
  if (!response.ok) return { ok: false, status: response.status };
  return { ok: true, claims: (await response.json()) as Claims };
}

interface TokenSet {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: Date | null;
}

async function refresh(env: SsoEnv, refreshToken: string): Promise<TokenSet | null> {
  const { token_endpoint: url } = await discover(env.issuer);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(env.clientId)}:${encodeURIComponent(env.clientSecret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
  if (!response.ok) return null;
  const body = (await response.json()) as { access_token?: string; refresh_token?: string; expires_in?: number };
  if (!body.access_token) return null;
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token ?? refreshToken,
    expiresAt: typeof body.expires_in === 'number' ? new Date(Date.now() + body.expires_in * 1000) : null,
  };
}

// ---------------------------------------------------------------- provider tokens at rest

async function tokenKey(db: Db): Promise<Buffer> {
  return createHash('sha256').update(`${await getAuthSecret(db)}:sso-tokens`).digest();
}

async function seal(db: Db, text: string | null): Promise<string | null> {
  if (text === null) return null;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', await tokenKey(db), iv);
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
}

async function unseal(db: Db, sealed: string | null): Promise<string | null> {
  if (!sealed) return null;
  const [iv, tag, body] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
  if (!iv || !tag || !body) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', await tokenKey(db), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- sign-in

export type SsoSignIn =
  | { ok: true; userId: number; email: string; placement: Placement; created: boolean }
  | { ok: false; reason: 'noEmail' | 'noMappedGroup' | 'disabled' | 'taken' };

/**
 * The local account of a person the provider vouched for, created or updated from their groups;
 * refused without a mapped group, without an email, or when an admin disabled the account here.
 */
export async function ssoSignIn(db: Db, claims: Claims): Promise<SsoSignIn> {
  const subject = typeof claims.sub === 'string' ? claims.sub : null;
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
  if (!subject || !email) return { ok: false, reason: 'noEmail' };
  const settings = await getSetting(db, 'sso');
  const placement = placementOf(claims, settings);
  const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 120) : email;
  if (!placement) {
    await audit(db, null, 'auth.sso.refused', { subject, reason: 'noMappedGroup', groups: groupsOf(claims, settings.groupsClaim) });
    return { ok: false, reason: 'noMappedGroup' };
  }
  const [bySubject] = await db.select().from(users).where(eq(users.ssoSubject, subject)).limit(1);
  const byEmail = bySubject ? undefined : await findUserByEmail(db, email);
  const existing = bySubject ?? (byEmail && byEmail.ssoSubject === null ? byEmail : undefined);
  if (!existing && byEmail) return { ok: false, reason: 'taken' }; // the email belongs to another subject
  if (existing?.disabledAt) return { ok: false, reason: 'disabled' };
  let userId: number;
  if (existing) {
    userId = existing.id;
    await db.update(users).set({ ssoSubject: subject, role: placement.role, department: placement.department, name }).where(eq(users.id, userId));
  } else {
    const [row] = await db
      .insert(users)
      .values({ email, name, role: placement.role, department: placement.department, passwordHash: null, ssoSubject: subject })
      .returning({ id: users.id });
    if (!row) throw new Error('account was not created');
    userId = row.id;
  }
  await audit(db, { id: userId, email }, 'auth.signIn', { provider: 'oidc', group: placement.group, role: placement.role, department: placement.department, created: !existing });
  return { ok: true, userId, email, placement, created: !existing };
}

export async function findUserBySsoSubject(db: Db, subject: string) {
  const [row] = await db.select().from(users).where(eq(users.ssoSubject, subject)).limit(1);
  return row;
}

// ---------------------------------------------------------------- sessions

export interface ProviderTokens {
  accessToken: string | null;
  refreshToken: string | null;
  expiresAt: Date | null;
}

export async function startSession(db: Db, userId: number, provider: 'credentials' | 'oidc', tokens?: ProviderTokens): Promise<string> {
  const id = randomBytes(24).toString('base64url');
  await db.insert(authSessions).values({
    id,
    userId,
    provider,
    idpAccessToken: await seal(db, tokens?.accessToken ?? null),
    idpRefreshToken: await seal(db, tokens?.refreshToken ?? null),
    idpExpiresAt: tokens?.expiresAt ?? null,
    idpCheckedAt: provider === 'oidc' ? new Date() : null,
  });
  return id;
}

export async function endSession(db: Db, id: string, reason: string): Promise<void> {
  await db.update(authSessions).set({ endedAt: new Date(), endReason: reason }).where(and(eq(authSessions.id, id), isNull(authSessions.endedAt)));
}

/**
 * Whether the session may go on for this user, asking the provider again when it is due. Ends
 * the session (and says why in the audit log) when the answer is no.
 */
export async function sessionStillValid(db: Db, id: string, userId: number, now = new Date()): Promise<boolean> {
  const [row] = await db.select().from(authSessions).where(eq(authSessions.id, id)).limit(1);
  if (!row || row.userId !== userId || row.endedAt) return false;
  if (row.provider !== 'oidc') return true;
  const env = ssoEnv();
  if (!env) return end('ssoRemoved');
  if (row.idpCheckedAt && now.getTime() - row.idpCheckedAt.getTime() < env.recheckSeconds * 1000) return true;

  let accessToken = await unseal(db, row.idpAccessToken);
  let refreshToken = await unseal(db, row.idpRefreshToken);
  let expiresAt = row.idpExpiresAt;
  const expired = !accessToken || (expiresAt !== null && expiresAt.getTime() <= now.getTime());
  if (expired) {
    const renewed = refreshToken ? await refresh(env, refreshToken) : null;
    if (!renewed) return end('tokenExpired');
    ({ accessToken, refreshToken, expiresAt } = renewed);
  }
  let answer = await fetchUserinfo(env, accessToken!);
  if (!answer.ok && answer.status === 401 && refreshToken && !expired) {
    const renewed = await refresh(env, refreshToken);
    if (renewed) {
      ({ accessToken, refreshToken, expiresAt } = renewed);
      answer = await fetchUserinfo(env, accessToken);
    }
  }
  if (!answer.ok) return end('idpRefused');
  const placement = placementOf(answer.claims, await getSetting(db, 'sso'));
  if (!placement) return end('noMappedGroup');
  await db.update(users).set({ role: placement.role, department: placement.department }).where(eq(users.id, userId));
  await db
    .update(authSessions)
    .set({
      idpCheckedAt: now,
      idpAccessToken: await seal(db, accessToken),
      idpRefreshToken: await seal(db, refreshToken),
      idpExpiresAt: expiresAt,
    })
    .where(eq(authSessions.id, id));
  return true;

  async function end(reason: string): Promise<false> {
    await endSession(db, id, reason);
    await audit(db, null, 'auth.sso.sessionEnded', { userId, reason });
    return false;
  }
}

/** Ends every live session of a user (an admin disabled the account, or it was removed). */
export async function endUserSessions(db: Db, userId: number, reason: string): Promise<void> {
  await db
    .update(authSessions)
    .set({ endedAt: sql`now()`, endReason: reason })
    .where(and(eq(authSessions.userId, userId), isNull(authSessions.endedAt)));
}
