// Single sign-on against a real OpenID Connect provider (oidc-provider on 127.0.0.1), through
// next-auth's own handler with our options over real HTTP: authorization code with PKCE, the
// provider's login page, the token exchange, userinfo. The groups an admin mapped give the role at
// every sign-in and at the next request; no mapped group or no account at the provider, and the
// session ends; sign-out ends it on our side.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import NextAuth from 'next-auth';
import type { NextApiRequest, NextApiResponse } from 'next';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser } from '~/server/api/testing';
import { handleTrpcRequest } from '~/server/api/http';
import type { DbHandle } from '~/server/db/client';
import { authSessions, users } from '~/server/db/schema';
import { createTestDb } from '~/server/db/testing';
import { setSetting } from '~/server/settings';
import { recentAudit } from './audit';
import { authOptions } from './config';
import { hashPassword } from './passwords';
import { authenticate } from './signIn';
import { placementOf } from './sso';
import { startTestProvider, type TestProvider } from './testing/oidcProvider';

let handle: DbHandle;
let provider: TestProvider;
let app: Server;
let appUrl: string;
const saved = { ...process.env };

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The app's endpoints on a real port: /api/auth/* through next-auth's Node handler with our
 * options (the same callbacks the route handler runs), /api/trpc/* through the tRPC handler.
 */
async function startApp(): Promise<void> {
  app = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', appUrl);
      const raw = req.method === 'GET' || req.method === 'HEAD' ? undefined : await bodyOf(req);
      if (url.pathname.startsWith('/api/auth/')) {
        const api = Object.assign(req, {
          query: { ...Object.fromEntries(url.searchParams), nextauth: url.pathname.slice('/api/auth/'.length).split('/') },
          body: raw ? Object.fromEntries(new URLSearchParams(raw.toString('utf8'))) : {},
          cookies: Object.fromEntries(
            (req.headers.cookie ?? '').split(';').filter(Boolean).map((part) => {
              const at = part.indexOf('=');
              return [part.slice(0, at).trim(), decodeURIComponent(part.slice(at + 1).trim())];
            }),
          ),
        }) as unknown as NextApiRequest;
        const out = Object.assign(res, {
          status(code: number) {
            res.statusCode = code;
            return out;
          },
          send(body: unknown) {
            res.end(typeof body === 'string' ? body : JSON.stringify(body ?? ''));
          },
          json(body: unknown) {
            res.setHeader('content-type', 'application/json');
            res.end(JSON.stringify(body));
          },
        }) as unknown as NextApiResponse;
        await NextAuth(api, out, await authOptions(handle.db, false));
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
      const response = url.pathname.startsWith('/api/trpc/')
        ? await handleTrpcRequest(new Request(url, { method: req.method, headers, body: raw ? new Uint8Array(raw) : undefined }), { db: handle.db })
        : new Response('page', { status: 200 });
      res.statusCode = response.status;
      response.headers.forEach((value, name) => res.setHeader(name, value));
      res.end(Buffer.from(await response.arrayBuffer()));
    })().catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
}

/** A browser: cookies per host, redirects followed one by one. */
class Browser {
  private jar = new Map<string, Map<string, string>>();

  cookies(url: string): Map<string, string> {
    const host = new URL(url).host;
    let cookies = this.jar.get(host);
    if (!cookies) this.jar.set(host, (cookies = new Map()));
    return cookies;
  }

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const cookies = this.cookies(url);
    const headers: Record<string, string> = {};
    if (cookies.size > 0) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eqAt = pair.indexOf('=');
      const name = pair.slice(0, eqAt).trim();
      const value = pair.slice(eqAt + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) cookies.delete(name);
      else cookies.set(name, value);
    }
    return response;
  }

  /** Requests and follows redirects; the final response and where it was. */
  async follow(url: string, init: { form?: Record<string, string> } = {}): Promise<{ response: Response; url: string }> {
    let response = await this.request(url, init);
    let at = url;
    for (let hops = 0; response.status >= 300 && response.status < 400 && hops < 20; hops++) {
      at = new URL(response.headers.get('location') ?? '/', at).toString();
      response = await this.request(at);
    }
    return { response, url: at };
  }
}

async function signInWithSso(browser: Browser, login: string): Promise<string> {
  const { csrfToken } = (await (await browser.request(`${appUrl}/api/auth/csrf`)).json()) as { csrfToken: string };
  const toLogin = await browser.follow(`${appUrl}/api/auth/signin/oidc`, { form: { csrfToken, callbackUrl: `${appUrl}/dashboard` } });
  // Already signed in at the provider: straight back.
  if (!toLogin.url.startsWith(`${provider.issuer}/interaction/`)) return toLogin.url;
  const page = await toLogin.response.text();
  const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
  expect(action).toBeDefined();
  const done = await browser.follow(new URL(action!, toLogin.url).toString(), { form: { prompt: 'login', login, password: 'anything' } });
  return done.url;
}

async function me(browser: Browser, cookies?: Map<string, string>): Promise<{ role: string; department: string; email: string } | null> {
  const headers: Record<string, string> = {};
  const jar = cookies ?? browser.cookies(appUrl);
  headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const response = await fetch(`${appUrl}/api/trpc/auth.me`, { headers });
  const body = (await response.json()) as { result?: { data?: { json?: { role: string; department: string; email: string } | null } } };
  return body.result?.data?.json ?? null;
}

async function sessionsOf(email: string) {
  const [user] = await handle.db.select().from(users).where(eq(users.email, email));
  if (!user) return [];
  return handle.db.select().from(authSessions).where(eq(authSessions.userId, user.id));
}

beforeAll(async () => {
  handle = await createTestDb();
  await startApp();
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  provider = await startTestProvider({
    redirectUris: [`${appUrl}/api/auth/callback/oidc`],
    people: {
      sam: { email: 'sam@corp.test', name: 'Sam Seller', groups: ['everyone', 'sales'] },
      nora: { email: 'nora@corp.test', name: 'Nora Nogroup', groups: ['everyone'] },
      eve: { email: 'eve@corp.test', name: 'Eve Exec', groups: ['leadership'] },
    },
  });
  Object.assign(process.env, {
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
    OIDC_RECHECK_SECONDS: '0',
    NEXTAUTH_URL: appUrl,
  });
  await setSetting(handle.db, 'sso', {
    groupsClaim: 'groups',
    passwordSignIn: true,
    mappings: [
      { group: 'leadership', role: 'executive', department: 'executive' },
      { group: 'sales', role: 'sales', department: 'sales' },
    ],
  });
}, 60_000);

afterAll(async () => {
  process.env = saved;
  await provider.close();
  await new Promise<void>((resolve) => app.close(() => resolve()));
  await handle.close();
});

describe('placementOf', () => {
  const mappings = [
    { group: 'leadership', role: 'executive' as const, department: 'executive' },
    { group: 'sales', role: 'sales' as const, department: 'sales' },
  ];
  it('takes the first mapping, in the admin order, the person is in', () => {
    expect(placementOf({ groups: ['sales', 'leadership'] }, { groupsClaim: 'groups', mappings })).toEqual({ group: 'leadership', role: 'executive', department: 'executive' });
    expect(placementOf({ roles: 'sales' }, { groupsClaim: 'roles', mappings })).toMatchObject({ role: 'sales' });
    expect(placementOf({ groups: ['everyone'] }, { groupsClaim: 'groups', mappings })).toBeNull();
    expect(placementOf({ groups: 'sales' }, { groupsClaim: 'memberOf', mappings })).toBeNull();
  });
});

describe('single sign-on with a real provider', () => {
  it('creates a sales user at the first sign-in, and takes access away at the next request once out of every mapped group', async () => {
    const browser = new Browser();
    expect(await signInWithSso(browser, 'sam')).toBe(`${appUrl}/dashboard`);
    expect(await me(browser)).toMatchObject({ email: 'sam@corp.test', role: 'sales', department: 'sales' });
    const [row] = await handle.db.select().from(users).where(eq(users.email, 'sam@corp.test'));
    expect(row).toMatchObject({ name: 'Sam Seller', role: 'sales', passwordHash: null, ssoSubject: 'sam' });
    expect((await recentAudit(handle.db)).find((e) => e.action === 'auth.signIn')).toMatchObject({ details: { provider: 'oidc', group: 'sales', created: true } });

    // Moved to leadership at the provider: an executive at the next request.
    provider.people.get('sam')!.groups = ['leadership'];
    expect(await me(browser)).toMatchObject({ role: 'executive', department: 'executive' });

    // In no mapped group any more: out at the next request, and the session is over for good.
    provider.people.get('sam')!.groups = ['everyone'];
    expect(await me(browser)).toBeNull();
    provider.people.get('sam')!.groups = ['sales'];
    expect(await me(browser)).toBeNull();
    expect((await sessionsOf('sam@corp.test')).map((s) => s.endReason)).toEqual(['noMappedGroup']);

    // Signing in again (the provider remembers the browser) works, as sales again.
    expect(await signInWithSso(browser, 'sam')).toBe(`${appUrl}/dashboard`);
    expect(await me(browser)).toMatchObject({ role: 'sales' });
  });

  it('keeps out a person in no mapped group, without creating an account', async () => {
    const browser = new Browser();
    expect(await signInWithSso(browser, 'nora')).toBe(`${appUrl}/signin?error=noMappedGroup`);
    expect(await me(browser)).toBeNull();
    expect(await handle.db.select().from(users).where(eq(users.email, 'nora@corp.test'))).toEqual([]);
  });

  it('ends the session when the provider no longer knows the person', async () => {
    const browser = new Browser();
    await signInWithSso(browser, 'eve');
    expect(await me(browser)).toMatchObject({ role: 'executive' });
    provider.people.get('eve')!.active = false;
    expect(await me(browser)).toBeNull();
    expect((await sessionsOf('eve@corp.test')).map((s) => s.endReason)).toEqual(['idpRefused']);
    provider.people.get('eve')!.active = true;
  });

  it('ends the session when the access token expired and the provider gave no refresh token', async () => {
    const browser = new Browser();
    await signInWithSso(browser, 'eve');
    expect(await me(browser)).toMatchObject({ role: 'executive' });
    const [user] = await handle.db.select().from(users).where(eq(users.email, 'eve@corp.test'));
    await handle.db.update(authSessions).set({ idpExpiresAt: new Date(Date.now() - 1000) }).where(eq(authSessions.userId, user!.id));
    expect(await me(browser)).toBeNull();
    expect((await sessionsOf('eve@corp.test')).map((s) => s.endReason).sort()).toEqual(['idpRefused', 'tokenExpired']);
    // The provider tokens are kept encrypted, never as issued.
    const [row] = await handle.db.select().from(authSessions).where(eq(authSessions.endReason, 'tokenExpired'));
    expect(row?.idpAccessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(row?.idpRefreshToken).toBeNull();
  });

  it('signing out ends the session on our side: a copy of the cookie is worth nothing after', async () => {
    const browser = new Browser();
    await signInWithSso(browser, 'eve');
    const copy = new Map(browser.cookies(appUrl));
    expect(await me(browser, copy)).toMatchObject({ email: 'eve@corp.test' });
    const { csrfToken } = (await (await browser.request(`${appUrl}/api/auth/csrf`)).json()) as { csrfToken: string };
    await browser.follow(`${appUrl}/api/auth/signout`, { form: { csrfToken, callbackUrl: appUrl } });
    expect(await me(browser, copy)).toBeNull();
    expect((await sessionsOf('eve@corp.test')).map((s) => s.endReason).sort()).toEqual(['idpRefused', 'signOut', 'tokenExpired']);
  });

  it('turns password sign-in off for everyone but admins (the break-glass accounts)', async () => {
    const password = 'a password long enough';
    const seller = await createTestUser(handle.db, { role: 'sales', email: 'pat@corp.test', passwordHash: await hashPassword(password) });
    const admin = await createTestUser(handle.db, { role: 'admin', email: 'root@corp.test', passwordHash: await hashPassword(password) });
    expect(await authenticate(handle.db, { email: seller.email, password, address: null })).toMatchObject({ ok: true });
    await setSetting(handle.db, 'sso', { groupsClaim: 'groups', passwordSignIn: false, mappings: [{ group: 'sales', role: 'sales', department: 'sales' }] });
    expect(await authenticate(handle.db, { email: seller.email, password, address: null })).toEqual({ ok: false, reason: 'ssoOnly' });
    expect(await authenticate(handle.db, { email: admin.email, password, address: null })).toMatchObject({ ok: true, user: { role: 'admin' } });
    // A wrong password is still just wrong: the switch tells nothing about the account.
    expect(await authenticate(handle.db, { email: seller.email, password: 'wrong one, clearly', address: null })).toEqual({ ok: false, reason: 'invalid' });
  });
});
