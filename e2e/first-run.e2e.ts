// A fresh install without demo data: its own `next start` (the same build) on an empty PGlite
// folder with only the demo accounts. The Overview is the getting-started page: the viewer sees the
// commands with a placeholder key; the admin creates a key on the page, runs the curl command it
// shows (this server's address, that key) and the page turns into the Overview with the event in.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '~/server/auth/rights';
import { seriousViolations } from './axe';
import { launchBrowser, screenshot } from './browser';
import { startOwnServer, type OwnServer } from './ownServer';

let browser: Browser;
let server: OwnServer;
let baseUrl: string;

beforeAll(async () => {
  server = await startOwnServer('first-run');
  baseUrl = server.baseUrl;
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signedIn(role: Role, width: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await server.signIn(page, role, '/');
  return page;
}

describe('First run without demo data', () => {
  it('shows the viewer how to send events, with this server\'s address and a placeholder key', async () => {
    const page = await signedIn('viewer', 768);
    await page.getByRole('heading', { level: 1, name: 'Getting started' }).waitFor();
    const curl = await page.locator('[data-snippet="curl"]').innerText();
    expect(curl).toContain(`'${baseUrl}/api/ingest/marketing'`);
    expect(curl).toContain('Bearer YOUR_API_KEY');
    expect(await page.locator('[data-snippet="segment"]').innerText()).toContain(`host: "${baseUrl}"`);
    expect(await page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'first-run-viewer-768');
    await page.context().close();
  });

  it('lets the admin create a key whose curl command works, and then shows the Overview', async () => {
    const page = await signedIn('admin', 1366);
    await page.getByRole('heading', { level: 1, name: 'Getting started' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.selectOption('#first-key-department', 'sales');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.locator('[data-created-key="sales"]').waitFor();
    const curl = await page.locator('[data-snippet="curl"]').innerText();
    expect(curl).not.toContain('YOUR_API_KEY');
    expect(curl).toContain(`'${baseUrl}/api/ingest/sales'`);
    await screenshot(page, 'first-run-admin-1366');

    const { stdout } = await promisify(execFile)('sh', ['-c', curl]);
    expect(JSON.parse(stdout)).toMatchObject({ accepted: 1, rejected: [] });
    // The page notices the first event by itself and becomes the Overview.
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'first-run-admin-after-1366');
    await page.context().close();
  });
});
