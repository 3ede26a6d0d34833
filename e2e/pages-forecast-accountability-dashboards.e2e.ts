// The Forecast, Accountability and Saved dashboards pages through the production server and a
// browser, as operations, sales, the executive and the viewer: figures equal the tRPC answers for
// the same user, filters survive a reload, controls appear only where the role may use them, CSV
// export gives the rows shown, and a shared dashboard is computed with the viewer's rights.
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '~/server/auth/rights';
import { demoYear, launchBrowser, screenshot, signIn, url } from './browser';
import { raw, tableRows } from './tables';
import { trpcQuery } from './trpcHttp';

// The 12 months up to the e2e demo's anchor (the run's day).
const { yearQuery, year } = demoYear();

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function signedIn(role: Role, width = 1366): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await signIn(page, role);
  return { context, page };
}

const round2 = (value: number) => String(Math.round(value * 100) / 100);

describe('Forecast', () => {
  it('shows the weekly forecast against capacity and the backtest errors of the procedure to operations', async () => {
    const { context, page } = await signedIn('operations');
    await page.goto(url('/forecast'));
    const shown = await tableRows(page, 'Forecast per ISO week');
    const forecast = await trpcQuery(context, 'forecast.onboarding', {});
    expect(shown.length).toBe(12);
    expect(shown.map((r) => [r.week, r.expectedWins, r.expectedStarts, r.capacity])).toEqual(
      forecast.weeks.map((w) => [w.week, round2(w.expectedWins), round2(w.expectedStarts), w.capacity === null ? 'not set' : String(w.capacity)]),
    );
    expect((await tableRows(page, 'Backtest error (MAPE)')).map((r) => [r.winsMape, r.startsMape])).toEqual(
      forecast.backtests.map((b) => [raw(b.winsMape), raw(b.startsMape)]),
    );
    expect(await page.getByText(/MAPE: the forecast made 4, 8 and 12 weeks ago/).count()).toBe(1);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV: Forecast per ISO week' }).click()]);
    const lines = readFileSync(await download.path(), 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('ISO week,Monday,Expected wins,Expected starts,Capacity,Use of capacity');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(forecast.weeks.map((w) => w.week));
    await screenshot(page, 'forecast-operations-1366');
    await context.close();
  });
});

describe('Accountability', () => {
  it('shows targets and handoffs of the procedures to operations, with the handoff filters kept through a reload', async () => {
    const { context, page } = await signedIn('operations');
    await page.goto(url(`/accountability?${yearQuery}`));
    const kpis = await trpcQuery(context, 'kpis.list', {});
    const targets = await tableRows(page, 'KPI targets: actual against target');
    expect(targets.map((r) => [r.name, r.accountable, r.attainment, r.budget])).toEqual(
      kpis.map((k) => [k.target.name, k.target.accountable, raw(k.attainment), raw(k.target.budgetCents)]),
    );
    // Operations may change only the targets operations is accountable for.
    const own = kpis.filter((k) => k.target.accountable === 'operations');
    expect(await page.locator('[data-editable-target]').count()).toBe(own.length);
    expect(await page.getByRole('button', { name: 'New target' }).count()).toBe(1);

    const report = await trpcQuery(context, 'handoffs.report', { range: year, filters: {} });
    for (const h of report.handoffs) {
      const caption = `Black hole: ${(await page.locator(`#handoff-${h.handoff}-title`).innerText()).toLowerCase()}, open past SLA`;
      // The first page of 50, longest waiting first.
      expect((await tableRows(page, caption)).map((r) => [r.itemId, r.owner])).toEqual(h.blackHole.slice(0, 50).map((b) => [b.itemId, raw(b.owner)]));
    }

    await page.fill('#filter-source', 'email');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL((current) => new URL(current).searchParams.get('source') === 'email');
    const filtered = await trpcQuery(context, 'handoffs.report', { range: year, filters: { source: 'email' } });
    const started = () => page.locator('[data-stat="leadFollowUp-items"] > div:nth-child(2)').innerText();
    await expect.poll(started).toBe(filtered.handoffs[0]!.items.toLocaleString('en-US'));
    expect(filtered.handoffs[0]!.items).toBeLessThan(report.handoffs[0]!.items);
    await page.reload();
    expect(await started()).toBe(filtered.handoffs[0]!.items.toLocaleString('en-US'));
    expect(await page.inputValue('#filter-source')).toBe('email');
    await screenshot(page, 'accountability-operations-1366');
    await context.close();
  });

  it('lets operations create, edit and delete its own target', async () => {
    const { context, page } = await signedIn('operations', 1024);
    await page.goto(url('/accountability'));
    await page.getByRole('button', { name: 'New target' }).click();
    await page.fill('#kpi-name', 'E2E onboarding starts');
    await page.selectOption('#kpi-metric', 'onboarding_starts');
    await page.fill('#kpi-target', '12');
    await page.getByRole('button', { name: 'Save target' }).click();
    const caption = 'KPI targets: actual against target';
    const slow = { timeout: 20_000 };
    await expect.poll(async () => (await tableRows(page, caption)).filter((r) => r.name === 'E2E onboarding starts').map((r) => [r.target, r.accountable]), slow).toEqual([['12', 'operations']]);

    await screenshot(page, 'accountability-operations-created-1024');
    await page.getByRole('button', { name: 'Edit E2E onboarding starts' }).click();
    await page.fill('#kpi-target', '15');
    await page.getByRole('button', { name: 'Save target' }).click();
    await expect.poll(async () => (await tableRows(page, caption)).find((r) => r.name === 'E2E onboarding starts')?.target, slow).toBe('15');

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete E2E onboarding starts' }).click();
    await expect.poll(async () => (await tableRows(page, caption)).some((r) => r.name === 'E2E onboarding starts'), slow).toBe(false);
    const kpis = await trpcQuery(context, 'kpis.list', {});
    expect(kpis.some((k) => k.target.name === 'E2E onboarding starts')).toBe(false);
    await context.close();
  });

  it('hides the editing controls from the viewer', async () => {
    const { context, page } = await signedIn('viewer', 768);
    await page.goto(url('/accountability'));
    await page.getByRole('table', { name: 'KPI targets: actual against target' }).waitFor();
    expect(await page.getByRole('button', { name: 'New target' }).count()).toBe(0);
    expect(await page.locator('[data-editable-target]').count()).toBe(0);
    await screenshot(page, 'accountability-viewer-768');
    await context.close();
  });
});

describe('Saved dashboards', () => {
  it('lets the executive compose and share a dashboard that the viewer then sees with masked money', async () => {
    const exec = await signedIn('executive');
    await exec.page.goto(url('/dashboards/new'));
    await exec.page.fill('#dashboard-name', 'E2E revenue');
    await exec.page.selectOption('#tile-0-kind', 'attributionByChannel');
    await exec.page.selectOption('#tile-0-range', 'custom');
    await exec.page.fill('#tile-0-from', year.from);
    await exec.page.fill('#tile-0-to', year.to);
    await exec.page.getByRole('button', { name: 'Add a tile' }).click();
    await exec.page.selectOption('#tile-1-kind', 'kpis');
    await exec.page.getByRole('button', { name: 'Save dashboard' }).click();
    await exec.page.waitForURL((current) => /^\/dashboards\/\d+$/.test(new URL(current).pathname));
    const dashboardPath = new URL(exec.page.url()).pathname;

    const caption = 'Revenue credit by channel, Linear model';
    const report = await trpcQuery(exec.context, 'attribution.report', { range: year, filters: {} });
    const expected = report.byChannel.map((r) => [r.key ?? '(none)', raw(r.models.linear!.revenueCents), String(r.models.linear!.influencedDeals)]);
    const shown = async (page: Page) => (await tableRows(page, caption)).map((r) => [r.key ?? r.label, r.revenue, r.deals]);
    expect((await tableRows(exec.page, caption)).map((r) => [r.label, r.revenue, r.deals])).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);

    // Not shared yet: the viewer cannot open it.
    const viewer = await signedIn('viewer', 768);
    await viewer.page.goto(url(dashboardPath));
    expect(await viewer.page.getByRole('heading', { name: 'E2E revenue' }).count()).toBe(0);

    await exec.page.getByLabel('viewer', { exact: true }).check();
    await exec.page.getByRole('button', { name: 'Save sharing' }).click();
    await exec.page.locator('[role="status"]', { hasText: 'Shared with viewer.' }).waitFor();
    await screenshot(exec.page, 'dashboard-executive-1366');

    await viewer.page.goto(url('/dashboards'));
    expect((await tableRows(viewer.page, 'Saved dashboards')).map((r) => r.name)).toContain('E2E revenue');
    await viewer.page.goto(url(dashboardPath));
    await viewer.page.getByRole('heading', { name: 'E2E revenue' }).waitFor();
    const viewerReport = await trpcQuery(viewer.context, 'attribution.report', { range: year, filters: {} });
    const viewerRows = (await shown(viewer.page)).map(([, revenue, deals]) => [revenue, deals]);
    expect(viewerRows).toEqual(viewerReport.byChannel.map((r) => [raw(r.models.linear!.revenueCents), String(r.models.linear!.influencedDeals)]));
    expect(viewerRows.every(([revenue]) => revenue === 'masked')).toBe(true);
    // The viewer neither shares nor exports.
    expect(await viewer.page.getByRole('button', { name: 'Save sharing' }).count()).toBe(0);
    expect(await viewer.page.getByRole('button', { name: /Export CSV/ }).count()).toBe(0);
    await screenshot(viewer.page, 'dashboard-viewer-768');
    await viewer.context.close();
    await exec.context.close();
  });
});
