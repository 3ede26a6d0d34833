// Single sign-on in a browser, through the production server and a real OpenID Connect provider
// (oidc-provider on 127.0.0.1, started by the global setup): an admin maps the provider's "sales"
// group on the admin page, Sam signs in through the provider and lands as sales; moved to no
// group at the provider, Sam is out at the next request.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, screenshot, signIn, url } from './browser';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function setGroups(groups: string[]): Promise<void> {
  const response = await fetch(`${inject('oidcIssuer')}/test-control/people/sam`, { method: 'PUT', body: JSON.stringify({ groups }) });
  expect(response.status).toBe(204);
}

describe('single sign-on', () => {
  it('maps the sales group, signs Sam in as sales, and locks Sam out once in no mapped group', async () => {
    // The admin maps the provider's "sales" group to the sales role and department.
    const adminContext = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const admin = await adminContext.newPage();
    await signIn(admin, 'admin', '/admin/sso');
    await admin.getByRole('button', { name: 'Add a group' }).click();
    await admin.getByLabel('Group 1', { exact: true }).fill('sales');
    await admin.getByLabel('Role of group 1').selectOption('sales');
    await admin.getByLabel('Department of group 1').fill('sales');
    await admin.getByRole('button', { name: 'Save mapping' }).click();
    await admin.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await screenshot(admin, 'sso-admin-mapping');
    // The privacy page beside it: a token for the privacy tool, shown once.
    await admin.goto(url('/admin/privacy'));
    await admin.getByLabel('Name').fill('Privacy tool');
    await admin.getByRole('button', { name: 'Create token' }).click();
    await admin.getByText(/^Token "Privacy tool"/).waitFor();
    await admin.getByRole('cell', { name: 'Privacy tool', exact: true }).waitFor();
    await screenshot(admin, 'privacy-admin');
    await adminContext.close();

    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    await page.goto(url('/signin'));
    await page.getByRole('button', { name: 'Sign in with Corp SSO' }).click();
    // The provider's own login page.
    await page.waitForURL((current) => current.toString().startsWith(inject('oidcIssuer')));
    await page.fill('input[name="login"]', 'sam');
    await page.fill('input[name="password"]', 'any password');
    await page.locator('button[type="submit"]').click();
    await page.waitForURL((current) => {
      const at = new URL(current);
      return at.origin === new URL(url('/')).origin && !at.pathname.startsWith('/api/') && at.pathname !== '/signin';
    });

    const me = await page.evaluate(async () => (await (await fetch('/api/trpc/auth.me')).json()) as { result: { data: { json: { role: string; email: string } } } });
    expect(me.result.data.json).toMatchObject({ email: 'sam@corp.test', role: 'sales' });
    await page.goto(url('/sources'));
    await page.getByText('Sam Seller').waitFor();
    await screenshot(page, 'sso-signed-in-as-sales');

    // Out of every mapped group at the provider: the next request is refused.
    await setGroups(['everyone']);
    await page.reload();
    await page.waitForURL(/\/signin/);
    const status = await page.evaluate(async () => (await fetch('/api/trpc/auth.me')).status);
    expect(status).toBe(200);
    expect(await page.evaluate(async () => ((await (await fetch('/api/trpc/auth.me')).json()) as { result: { data: { json: unknown } } }).result.data.json)).toBeNull();
    await setGroups(['everyone', 'sales']);
    await context.close();
  });
});
