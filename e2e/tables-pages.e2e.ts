// Tables people can use and pages anyone can use, through the production server and a browser:
// the KPI targets table fits 1366 px with Edit/Delete on its rows, columns sort on a header click,
// the won deals come 50 a page (keyset, equal to the tRPC pages, forward and back) under a header
// that stays in view,
// and every dashboard page has no serious or critical axe violation, for the executive and the
// viewer, with a screenshot of each at 1366 and 768 px.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '~/server/auth/rights';
import { seriousViolations } from './axe';
import { launchBrowser, screenshot, signIn, url } from './browser';
import { raw, tableRows } from './tables';
import { trpcMutation, trpcQuery } from './trpcHttp';

const yearQuery = 'range=custom&from=2025-01-01&to=2025-12-31';
const year = { from: '2025-01-01', to: '2026-01-01' };
const wonDealsCaption = 'Won deals in range (latest first, 50 a page)';
const pages = ['/', '/funnel', '/sources', '/attribution', '/forecast', '/plan', '/customers', '/accountability', '/accounts', '/dashboards'] as const;

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function signedIn(role: Role, width = 1366): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await signIn(page, role);
  return { context, page };
}

/** How far a table's content is wider than the box that holds it (0: it fits). */
function overflow(page: Page, caption: string): Promise<number> {
  return page.getByRole('table', { name: caption, exact: true }).evaluate((table) => {
    const box = table.parentElement!;
    return Math.max(0, box.scrollWidth - box.clientWidth);
  });
}

describe('KPI targets table', () => {
  it('fits 1366 px with every column, and puts Edit and Delete on the executive\'s rows', async () => {
    const { context, page } = await signedIn('executive');
    await page.goto(url('/accountability'));
    const caption = 'KPI targets: actual against target';
    const kpis = await trpcQuery(context, 'kpis.list', {});
    expect(kpis.length).toBeGreaterThan(0);
    expect(await overflow(page, caption)).toBe(0);
    const headers = await page.getByRole('table', { name: caption, exact: true }).locator('thead th').allInnerTexts();
    expect(headers.map((h) => h.replace(/[▲▼↕\u00AD]/g, '').replace(/\s+/g, ' ').trim().toLowerCase())).toEqual([
      'target', 'metric', 'timeframe', 'target value', 'actual', 'projection', 'attained', 'status', 'quality standard', 'budget', 'accountable', 'responsible, consulted, informed', 'actions',
    ]);
    // The executive may change every target: one Edit and one Delete in each row.
    const rows = page.getByRole('table', { name: caption, exact: true }).locator('tbody tr');
    expect(await rows.count()).toBe(kpis.length);
    for (const k of kpis) {
      const row = page.locator(`tr[data-row="${k.target.id}"]`);
      expect(await row.getByRole('button', { name: `Edit ${k.target.name}` }).count()).toBe(1);
      expect(await row.getByRole('button', { name: `Delete ${k.target.name}` }).count()).toBe(1);
    }
    expect(await page.getByRole('list', { name: 'Targets you may change' }).count()).toBe(0);

    // Sorting by attainment: largest first, then smallest first; missing values stay last.
    const sortButton = page.getByRole('button', { name: /^Attained/ });
    await sortButton.click();
    const attained = async () => (await tableRows(page, caption)).map((r) => r.attainment);
    const expected = kpis.map((k) => k.attainment);
    const numbers = expected.filter((a): a is number => a !== null);
    const missing = expected.filter((a) => a === null).map(() => '');
    expect(await attained()).toEqual([...[...numbers].sort((a, b) => b - a).map(String), ...missing]);
    expect(await page.locator('th[data-sort-key="attainment"]').getAttribute('aria-sort')).toBe('descending');
    await sortButton.click();
    expect(await attained()).toEqual([...[...numbers].sort((a, b) => a - b).map(String), ...missing]);
    expect(await page.locator('th[data-sort-key="attainment"]').getAttribute('aria-sort')).toBe('ascending');
    await screenshot(page, 'accountability-executive-targets-1366');
    await context.close();
  });
});

describe('Won deals', () => {
  it('come 50 a page, equal to the keyset pages of the procedure, under a header that stays in view', async () => {
    // The small demo wins fewer than 50 deals a year: sales sends 60 more of a deal type of their own.
    const admin = await signedIn('admin');
    const { key } = await trpcMutation(admin.context, 'admin.apiKeys.create', { name: 'E2E won deals', department: 'sales' });
    await admin.context.close();
    const events = Array.from({ length: 60 }, (_, i) => {
      const id = `e2e-bulk-${String(i).padStart(2, '0')}`;
      // Two deals a day, so ties on the won time are ordered by id (latest first) across the page break.
      const wonAt = new Date(Date.UTC(2025, 5, 1 + Math.floor(i / 2), 12)).toISOString();
      return [
        { id: `${id}-created`, type: 'opportunity.created', occurredAt: '2025-05-01T00:00:00Z', data: { opportunityId: id, accountId: `acc-${id}`, amountCents: 10_000 + i, dealType: 'e2e_bulk' } },
        { id: `${id}-won`, type: 'opportunity.won', occurredAt: wonAt, data: { opportunityId: id } },
      ];
    }).flat();
    const sent = await fetch(url('/api/ingest/sales'), { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
    expect(sent.status).toBe(200);

    const { context, page } = await signedIn('sales');
    const filters = { dealType: 'e2e_bulk' };
    await page.goto(url(`/attribution?${yearQuery}&dealType=e2e_bulk`));
    const firstPage = await trpcQuery(context, 'attribution.wonDeals', { range: year, filters, pageSize: 50 });
    const first = firstPage.items;
    expect(first).toHaveLength(50);
    expect(firstPage.previous).toBeNull();
    const shownIds = async () => (await tableRows(page, wonDealsCaption)).map((r) => [r.opportunityId, r.amountCents]);
    expect(await shownIds()).toEqual(first.map((d) => [d.opportunityId, raw(d.amountCents)]));

    // The header stays at the top of the table's box while its rows scroll.
    const table = page.getByRole('table', { name: wonDealsCaption, exact: true });
    const box = table.locator('xpath=..');
    await box.evaluate((el) => el.scrollTo(0, 600));
    const [boxTop, headTop] = await Promise.all([box.evaluate((el) => el.getBoundingClientRect().top), table.locator('thead th').first().evaluate((el) => el.getBoundingClientRect().top)]);
    expect(Math.abs(headTop - boxTop)).toBeLessThan(2);
    await screenshot(page, 'attribution-won-deals-sales-1366');

    const secondPage = await trpcQuery(context, 'attribution.wonDeals', { range: year, filters, pageSize: 50, after: firstPage.next ?? undefined });
    const second = secondPage.items;
    expect(second).toHaveLength(10);
    expect(secondPage.next).toBeNull();
    await page.getByRole('link', { name: 'Next 50 deals' }).click();
    await page.waitForURL((current) => new URL(current).searchParams.get('dealsAfter') === firstPage.next);
    await expect.poll(shownIds).toEqual(second.map((d) => [d.opportunityId, raw(d.amountCents)]));
    await page.reload();
    expect(await shownIds()).toEqual(second.map((d) => [d.opportunityId, raw(d.amountCents)]));
    expect(await page.getByRole('link', { name: 'Next 50 deals' }).count()).toBe(0);
    // Back a page (keyset, before the first deal shown), then to the first page.
    await page.getByRole('link', { name: 'Previous 50 deals' }).click();
    await page.waitForURL((current) => new URL(current).searchParams.get('dealsBefore') === secondPage.previous);
    await expect.poll(shownIds).toEqual(first.map((d) => [d.opportunityId, raw(d.amountCents)]));
    await page.getByRole('link', { name: 'Next 50 deals' }).click();
    await expect.poll(shownIds).toEqual(second.map((d) => [d.opportunityId, raw(d.amountCents)]));
    await page.getByRole('link', { name: 'First page' }).click();
    await expect.poll(shownIds).toEqual(first.map((d) => [d.opportunityId, raw(d.amountCents)]));
    // Every deal once over the two pages.
    expect(new Set([...first, ...second].map((d) => d.opportunityId)).size).toBe(60);
    await context.close();
  });
});

describe('Every page', () => {
  const visits: { role: Role; path: string }[] = [
    ...(['executive', 'viewer'] as const).flatMap((role) => pages.map((path) => ({ role, path }))),
    ...['/admin/users', '/admin/permissions', '/admin/api-keys', '/admin/ingestion', '/admin/audit'].map((path) => ({ role: 'admin' as const, path })),
  ];
  for (const { role, path } of visits) {
    it(`${path} has no serious or critical accessibility violation for the ${role}, at 1366 and 768 px`, async () => {
      const { context, page } = await signedIn(role);
      const name = path === '/' ? 'overview' : path.slice(1).replaceAll('/', '-');
      const found: Record<string, string[]> = {};
      for (const width of [1366, 768]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(url(`${path}?${yearQuery}`));
        await page.locator('h1').first().waitFor();
        // Charts load after the page: wait for them before looking.
        await page.waitForLoadState('networkidle');
        const violations = await seriousViolations(page);
        if (violations.length > 0) found[width] = violations;
        await screenshot(page, `page-${name}-${role}-${width}`);
      }
      expect(found).toEqual({});
      await context.close();
    });
  }
});
