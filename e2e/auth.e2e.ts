// Sign-in, sign-out, roles and the guarded doors, through the production server and a browser.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roles, type Role } from '~/server/auth/rights';
import { launchBrowser, screenshot, signIn, url } from './browser';
import { trpcMutation } from './trpcHttp';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function freshPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  return { context, page: await context.newPage() };
}

/** Calls a tRPC query with the page's cookies. */
async function trpcGet(context: BrowserContext | null, path: string, input?: unknown): Promise<Response> {
  const cookies = context ? (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ') : '';
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  return fetch(url(`/api/trpc/${path}${query}`), { headers: cookies ? { cookie: cookies } : {} });
}

async function trpcStatus(context: BrowserContext | null, path: string): Promise<number> {
  return (await trpcGet(context, path)).status;
}

// PRODUCT.md: money (amounts, revenue, LTV) is seen by admin, executive, marketing, sales, operations.
const seesMoney: Record<Role, boolean> = {
  admin: true,
  executive: true,
  marketing: true,
  sales: true,
  operations: true,
  service: false,
  viewer: false,
};

describe('signed out', () => {
  it('is sent to sign-in from any page, keeping the destination', async () => {
    const response = await fetch(url('/admin/users'), { redirect: 'manual' });
    expect(response.status).toBe(307);
    const location = new URL(response.headers.get('location') ?? '', url('/'));
    expect(location.pathname).toBe('/signin');
    expect(location.searchParams.get('callbackUrl')).toBe('/admin/users');
  });

  it('gets 401 from tRPC', async () => {
    expect(await trpcStatus(null, 'admin.users.list')).toBe(401);
  });

  it('gets the security headers on every page', async () => {
    const response = await fetch(url('/signin'));
    expect(response.status).toBe(200);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'(;|$)/);
    const again = (await fetch(url('/signin'))).headers.get('content-security-policy');
    expect(again).not.toBe(policy);
    expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('is told when the password is wrong, and stays signed out', async () => {
    const { context, page } = await freshPage();
    await page.goto(url('/signin'));
    await page.fill('#email', 'viewer@demo.local');
    await page.fill('#password', 'not the password');
    await page.click('button[type="submit"]');
    const alert = page.locator('#signin-error');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('Email or password is wrong.');
    expect(await trpcStatus(context, 'admin.users.list')).toBe(401);
    await context.close();
  });
});

describe.each(roles)('signed in as %s', (role: Role) => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    ({ context, page } = await freshPage());
    await signIn(page, role, '/admin/users');
  });
  afterAll(async () => {
    await context?.close();
  });

  it(role === 'admin' ? 'may manage users' : 'is refused the admin pages', async () => {
    const heading = await page.getByRole('heading', { level: 1 }).first().textContent();
    if (role === 'admin') {
      expect(heading).toBe('Users');
      for (const r of roles) await page.getByRole('cell', { name: `${r}@demo.local`, exact: true }).waitFor();
      await screenshot(page, 'admin-users');
    } else {
      expect(heading).toBe('Not allowed');
    }
  });

  it(`gets ${role === 'admin' ? '200' : '403'} from an admin procedure and 200 from its own session`, async () => {
    expect(await trpcStatus(context, 'admin.users.list')).toBe(role === 'admin' ? 200 : 403);
    expect(await trpcStatus(context, 'auth.me')).toBe(200);
  });

  it(`sees account lifetime values ${seesMoney[role] ? 'in full' : 'masked'}`, async () => {
    const response = await trpcGet(context, 'accounts.list', { pageSize: 5 });
    expect(response.status).toBe(200);
    const body = JSON.stringify(await response.json());
    expect(body).toContain('"lifetimeValueCents"');
    expect(body.includes('"lifetimeValueCents":{"masked":true}')).toBe(!seesMoney[role]);
  });

  it('reaches the first page', async () => {
    await page.goto(url('/'));
    expect(new URL(page.url()).pathname).toBe('/');
  });
});

describe('admin', () => {
  it('creates a user who signs in, then disables them and their session stops working', async () => {
    const admin = await freshPage();
    await signIn(admin.page, 'admin', '/admin/users');
    const email = `temp-${Date.now()}@example.com`;
    const form = admin.page.getByRole('form', { name: 'Create a user' });
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('Name').fill('Temporary Person');
    await form.getByLabel('Role').selectOption('sales');
    await form.getByLabel('Department').fill('sales');
    await form.getByRole('button', { name: 'Create user' }).click();
    const password = await admin.page.locator('[role="status"] code').first().textContent();
    expect(password).toMatch(/^[A-Za-z0-9_-]{16}$/);

    const user = await freshPage();
    await user.page.goto(url('/signin'));
    await user.page.fill('#email', email);
    await user.page.fill('#password', password ?? '');
    await user.page.click('button[type="submit"]');
    await user.page.waitForURL((current) => new URL(current).pathname === '/');
    expect(await trpcStatus(user.context, 'auth.me')).toBe(200);
    expect(await trpcStatus(user.context, 'admin.users.list')).toBe(403);

    await admin.page.reload();
    await admin.page.getByRole('button', { name: `Disable ${email}` }).click();
    await admin.page.getByRole('row', { name: new RegExp(email) }).getByText(/^disabled /).waitFor();
    expect(await trpcStatus(user.context, 'admin.users.list')).toBe(401);

    await admin.page.goto(url('/admin/audit'));
    await admin.page.getByRole('cell', { name: 'user.disable', exact: true }).first().waitFor();
    await admin.context.close();
    await user.context.close();
  });

  it('shows the permission matrix with the fixed cells locked', async () => {
    const { context, page } = await freshPage();
    await signIn(page, 'admin', '/admin/permissions');
    const viewerMoney = page.getByRole('checkbox', { name: 'viewer: see money (amounts, revenue, LTV)' });
    expect(await viewerMoney.isChecked()).toBe(false);
    expect(await page.getByRole('checkbox', { name: 'admin: manage users, roles, API keys, replay events' }).isDisabled()).toBe(true);
    await screenshot(page, 'admin-permissions');
    await context.close();
  });

  it('signs out and is sent back to sign-in', async () => {
    const { context, page } = await freshPage();
    await signIn(page, 'admin', '/admin/users');
    await page.getByRole('button', { name: 'Sign out' }).first().click();
    await page.waitForURL(/\/signin/);
    await page.goto(url('/admin/users'));
    expect(new URL(page.url()).pathname).toBe('/signin');
    await context.close();
  });
});

/** One password attempt through next-auth's credentials callback, as a script would send it; the error code, or null on success. */
async function passwordAttempt(email: string, password: string, forwardedFor: string): Promise<string | null> {
  const csrf = await fetch(url('/api/auth/csrf'));
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const response = await fetch(url('/api/auth/callback/credentials'), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, 'x-forwarded-for': forwardedFor },
    body: new URLSearchParams({ email, password, csrfToken, json: 'true' }),
  });
  const { url: next } = (await response.json()) as { url: string };
  return new URL(next).searchParams.get('error');
}

describe('sign-in throttling', () => {
  it('lets the owner back in from a known browser while a script fails on the account from the same address, spoofed or not', async () => {
    const admin = await freshPage();
    await signIn(admin.page, 'admin', '/admin/users');
    const email = `owner-${Date.now()}@example.com`;
    const { password } = await trpcMutation(admin.context, 'admin.users.create', { email, name: 'Owner', role: 'sales', department: 'sales' });
    if (password === null) throw new Error('the new account got no one-time password');

    const owner = await freshPage();
    await owner.page.goto(url('/signin'));
    await owner.page.fill('#email', email);
    await owner.page.fill('#password', password);
    await owner.page.click('button[type="submit"]');
    await owner.page.waitForURL((current) => new URL(current).pathname === '/');
    expect((await owner.context.cookies()).some((c) => c.name === 'rf-device' && c.httpOnly)).toBe(true);

    // Each attempt claims another address; the server reads the hop it appended itself.
    const outcomes: string[] = [];
    for (let i = 0; i < 8 && !outcomes.some((o) => o.startsWith('limited')); i++) {
      outcomes.push((await passwordAttempt(email, 'not the password', `203.0.113.${i}`)) ?? 'ok');
    }
    const invalid = outcomes.filter((o) => o === 'invalid').length;
    expect(invalid).toBeGreaterThanOrEqual(4);
    expect(invalid).toBeLessThanOrEqual(5);
    expect(outcomes.at(-1)).toMatch(/^limited:\d+$/);

    await owner.context.clearCookies({ name: 'next-auth.session-token' });
    await owner.page.goto(url('/signin'));
    await owner.page.fill('#email', email);
    await owner.page.fill('#password', password);
    await owner.page.click('button[type="submit"]');
    await owner.page.waitForURL((current) => new URL(current).pathname === '/');
    expect(await trpcStatus(owner.context, 'auth.me')).toBe(200);

    await admin.page.goto(url('/admin/audit'));
    await admin.page.getByRole('cell', { name: 'auth.throttled', exact: true }).first().waitFor();
    await owner.context.close();
    await admin.context.close();
  });
});
