// Live pages: an event sent over HTTP shows on an open page without a reload, and the page says
// how fresh its figures are.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '~/server/ingest/apiKeys';
import { seedDemo } from '../seed/seed';
import { launchBrowser, screenshot, signIn } from './browser';
import { startOwnServer, type OwnServer } from './ownServer';

let browser: Browser;
// The live test sends events: its own server and database, so the shared one keeps its counts.
let server: OwnServer;
let marketingKey = '';
beforeAll(async () => {
  server = await startOwnServer('live', async (db) => {
    await seedDemo(db, { leads: 40 });
    marketingKey = (await createApiKey(db, { department: 'marketing', name: 'Live test' })).key;
  });
  browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('live pages', () => {
  it('update the funnel when a new lead is applied, without a reload', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await server.signIn(page, 'executive', '/funnel');
    const status = page.locator('[data-live]');
    await expect.poll(() => status.getAttribute('data-live'), { timeout: 15_000 }).toBe('on');
    expect(await status.textContent()).toMatch(/Data as of \d{2}:\d{2}:\d{2}/);
    const inquiries = page.locator('table[data-table="funnel-stages"] [data-row="inquiry"] [data-col="journeys"]');
    const before = Number(await inquiries.getAttribute('data-value'));
    // A mark on the window: gone if the page were loaded again.
    await page.evaluate(() => Object.assign(window, { liveMark: true }));

    const id = `live-${Date.now()}`;
    const response = await fetch(server.url('/api/ingest/marketing'), {
      method: 'POST',
      headers: { authorization: `Bearer ${marketingKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: [{ id, type: 'lead.created', occurredAt: new Date().toISOString(), data: { contactId: id, source: 'email' } }] }),
    });
    expect(response.status).toBe(200);
    expect((await response.json()).accepted).toBe(1);

    await expect.poll(async () => Number(await inquiries.getAttribute('data-value')), { timeout: 20_000 }).toBe(before + 1);
    expect(await page.evaluate(() => (window as unknown as { liveMark?: boolean }).liveMark)).toBe(true);
    await screenshot(page, 'live-funnel-1366');
    await page.close();
  });

  it('present a shared dashboard on a wall screen: no navigation, live', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await signIn(page, 'executive', '/dashboards');
    await page.locator('tr', { hasText: 'Weekly pipeline review' }).getByRole('button').first().click();
    await page.waitForURL(/\/dashboards\/\d+$/);
    await expect.poll(() => page.locator('[data-top-nav]').isVisible()).toBe(true);
    await page.getByRole('link', { name: 'Present' }).click();
    await page.waitForURL(/present=1/);
    await expect.poll(() => page.locator('[data-presentation]').isVisible()).toBe(true);
    expect(await page.locator('[data-top-nav]').isVisible()).toBe(false);
    // Each tile streams in under its own Suspense: wait for the first table rather than expect it at once.
    await page.locator('[data-presentation] table').first().waitFor();
    expect(await page.locator('[data-presentation] table').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-live]').getAttribute('data-live'), { timeout: 15_000 }).toBe('on');
    await screenshot(page, 'dashboard-presentation-1366');
    await page.close();
  });
});
