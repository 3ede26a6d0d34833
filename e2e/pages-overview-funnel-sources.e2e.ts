// The Overview, Funnel and Sources pages through the production server and a browser, as the
// executive, marketing, sales and viewer roles: figures equal the tRPC answers for the same user,
// filters live in the URL and survive a reload, the stage drill-down opens, CSV export downloads
// the rows shown, and what a role may not see is shown masked.
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '~/server/auth/rights';
import { demoYear, launchBrowser, screenshot, signIn, url } from './browser';
import { trpcMutation, trpcQuery } from './trpcHttp';
import { unmasked } from './tables';

// The 12 months up to the e2e demo's anchor (the run's day).
const { yearQuery, year } = demoYear();

type Masked = { masked: true };

interface FunnelReport {
  stages: { stage: string; journeys: number; conversionToNext: number | null; velocityToNext: { medianDays: number | null; p75Days: number | null } | null }[];
}
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

/** The rows of a data table by its caption: column key -> raw value ("masked" for a masked cell). */
async function tableRows(page: Page, caption: string): Promise<Record<string, string>[]> {
  const table = page.getByRole('table', { name: caption, exact: true });
  await table.waitFor();
  return table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((row) => Object.fromEntries([...row.querySelectorAll('[data-col]')].map((cell) => [cell.getAttribute('data-col') ?? '', cell.getAttribute('data-value') ?? '']))),
  );
}

function raw(value: number | string | null | Masked | undefined): string {
  if (value !== null && typeof value === 'object') return 'masked';
  return value === null || value === undefined ? '' : String(value);
}

function statText(page: Page, name: string): Promise<string> {
  return page.locator(`[data-stat="${name}"] > div:nth-child(2)`).innerText();
}

describe('Overview', () => {
  it('shows the funnel, revenue and pipeline of the tRPC answers to an executive', async () => {
    const { context, page } = await signedIn('executive');
    // A target of the executive's own making, shared by sales (accountable) and marketing.
    const created = await trpcMutation(context, 'kpis.create', {
      name: 'Won revenue, 2025 Q4',
      metric: 'won_revenue',
      periodKind: 'quarter',
      periodStart: '2025-10-01',
      targetValue: 100_000_000,
      accountable: 'sales',
      responsible: ['marketing'],
    });
    await page.goto(url(`/?${yearQuery}`));
    const shown = await tableRows(page, 'Journeys by stage');
    const report = await trpcQuery(context, 'funnel.report', { range: year, filters: {} });
    expect(shown.map((r) => r.journeys)).toEqual(report.stages.map((s) => String(s.journeys)));
    expect(shown.map((r) => r.conversionToNext)).toEqual(report.stages.map((s) => raw(s.conversionToNext)));

    const revenue = await trpcQuery(context, 'revenue.summary', { range: year, filters: {} });
    expect(revenue.wonRevenueCents).toBeGreaterThan(0);
    const dollars = (cents: number) => `$${Math.round(cents / 100).toLocaleString('en-US')}`;
    expect(await statText(page, 'won-revenue')).toBe(dollars(unmasked(revenue.wonRevenueCents)));
    expect(await statText(page, 'open-pipeline')).toBe(dollars(unmasked(revenue.openPipelineCents)));

    const kpis = await trpcQuery(context, 'kpis.list', {});
    const kpiRows = await tableRows(page, 'KPI targets and who is accountable');
    expect(kpiRows.map((r) => [r.name, r.accountable, r.status])).toEqual(kpis.map((k) => [k.target.name, k.target.accountable, k.status]));
    expect(kpiRows.find((r) => r.name === 'Won revenue, 2025 Q4')).toMatchObject({ accountable: 'sales', target: '$1,000,000', period: '2025-10-01 to 2025-12-31' });
    expect(await page.getByRole('button', { name: 'Export CSV: Journeys by stage' }).count()).toBe(1);
    await screenshot(page, 'overview-executive-1366');
    await trpcMutation(context, 'kpis.delete', { id: created.id });
    await context.close();
  });

  it('masks revenue and pipeline for the viewer and offers no CSV export', async () => {
    const { context, page } = await signedIn('viewer', 768);
    await page.goto(url(`/?${yearQuery}`));
    await page.getByRole('table', { name: 'Journeys by stage' }).waitFor();
    const revenue = await trpcQuery(context, 'revenue.summary', { range: year, filters: {} });
    expect(revenue).toMatchObject({ wonRevenueCents: { masked: true }, openPipelineCents: { masked: true } });
    expect(await page.locator('[data-stat="won-revenue"] [data-masked="true"]').count()).toBe(1);
    expect(await page.locator('[data-stat="open-pipeline"] [data-masked="true"]').count()).toBe(1);
    expect(await statText(page, 'won-revenue')).not.toMatch(/\$/);
    expect(await page.getByRole('button', { name: /Export CSV/ }).count()).toBe(0);
    // The navigation names the signed-in user and role.
    expect(await page.locator('[data-user-role="viewer"]').count()).toBe(1);
    await screenshot(page, 'overview-viewer-768');
    await context.close();
  });
});

describe('Funnel', () => {
  it('changes with the filters, keeps them through a reload, and matches the procedure', async () => {
    const { context, page } = await signedIn('marketing');
    await page.goto(url(`/funnel?${yearQuery}`));
    const sources = await trpcQuery(context, 'sources.report', { range: year, filters: {} });
    const source = sources.bySource.find((s) => s.leads > 0 && s.leads < sources.total.leads)!.source;

    await page.fill('#filter-source', source);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL((current) => new URL(current).searchParams.get('source') === source);
    const filtered = await trpcQuery(context, 'funnel.report', { range: year, filters: { source } });
    const unfiltered = await trpcQuery(context, 'funnel.report', { range: year, filters: {} });
    expect(filtered.stages[1]!.journeys).toBeLessThan(unfiltered.stages[1]!.journeys);
    const expectTable = async (report: FunnelReport) => {
      await expect
        .poll(async () => (await tableRows(page, 'Journeys by stage, conversion and velocity')).map((r) => [r.journeys, r.medianDays, r.p75Days]))
        .toEqual(report.stages.map((s) => [String(s.journeys), raw(s.velocityToNext?.medianDays ?? null), raw(s.velocityToNext?.p75Days ?? null)]));
    };
    await expectTable(filtered);

    await page.reload();
    await expectTable(filtered);
    expect(await page.inputValue('#filter-source')).toBe(source);
    expect(await page.inputValue('#filter-range')).toBe('custom');

    await page.selectOption('#cohort-by', 'awareness');
    await page.waitForURL((current) => new URL(current).searchParams.get('cohortBy') === 'awareness');
    await expectTable(await trpcQuery(context, 'funnel.report', { range: year, filters: { source }, cohortBy: 'awareness' }));
    expect(new URL(page.url()).searchParams.get('source')).toBe(source);
    await context.close();
  });

  it('opens who reached a stage and who dropped off, with contact details for marketing', async () => {
    const { context, page } = await signedIn('marketing');
    await page.goto(url(`/funnel?${yearQuery}`));
    await page.getByRole('button', { name: 'Open the journeys of Qualification' }).click();
    const expected = await trpcQuery(context, 'funnel.journeys', { range: year, filters: {}, stage: 'qualification', list: 'reached', pageSize: 50 });
    expect(expected.items.length).toBeGreaterThan(0);
    const caption = 'Qualification: journeys that reached it';
    await expect.poll(async () => (await tableRows(page, caption)).map((r) => r.contactId)).toEqual(expected.items.map((j) => j.contactId));
    const rows = await tableRows(page, caption);
    expect(rows.map((r) => r.email)).toEqual(expected.items.map((j) => raw(j.email)));
    expect(rows.some((r) => (r.email ?? '').includes('@'))).toBe(true);
    await screenshot(page, 'funnel-marketing-drilldown');

    await page.getByRole('button', { name: 'Dropped off' }).click();
    const dropped = await trpcQuery(context, 'funnel.journeys', { range: year, filters: {}, stage: 'qualification', list: 'dropped', pageSize: 50 });
    await expect
      .poll(async () => (await tableRows(page, 'Qualification: journeys that dropped off before Conversion')).map((r) => r.contactId))
      .toEqual(dropped.items.map((j) => j.contactId));
    await context.close();
  });

  it('masks contact details in the drill-down for the executive', async () => {
    const { context, page } = await signedIn('executive', 768);
    await page.goto(url(`/funnel?${yearQuery}`));
    await page.getByRole('button', { name: 'Open the journeys of Inquiry' }).click();
    const rows = await (async () => {
      await expect.poll(async () => (await tableRows(page, 'Inquiry: journeys that reached it')).length).toBeGreaterThan(0);
      return tableRows(page, 'Inquiry: journeys that reached it');
    })();
    expect(rows.every((r) => r.email === 'masked' && r.name === 'masked')).toBe(true);
    expect(await page.locator('[data-col="email"] [data-masked="true"]').count()).toBe(rows.length);
    await screenshot(page, 'funnel-executive-768');
    await context.close();
  });
});

describe('Sources', () => {
  it('shows lead-to-close and spend as the procedure gives them, and exports the rows shown as CSV', async () => {
    const { context, page } = await signedIn('marketing');
    await page.goto(url(`/sources?${yearQuery}`));
    const report = await trpcQuery(context, 'sources.report', { range: year, filters: {} });
    const shown = await tableRows(page, 'Lead to close by source');
    expect(shown.map((r) => [r.source, r.leads, r.qualified, r.won, r.wonRevenueCents, r.spendCents, r.cacCents, r.roi])).toEqual(
      report.bySource.map((s) => [s.source, String(s.leads), String(s.qualified), String(s.won), raw(s.wonRevenueCents), raw(s.spendCents), raw(s.cacCents), raw(s.roi)]),
    );
    expect(report.bySource.some((s) => typeof s.spendCents === 'number' && s.spendCents > 0)).toBe(true);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV: Lead to close by source' }).click()]);
    expect(download.suggestedFilename()).toBe('sources-by-source.csv');
    const lines = readFileSync(await download.path(), 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('Source,Leads,Qualified,Won,Qualification rate,Win rate,Won revenue,Median days to close,Spend,CAC,ROI');
    expect(lines.slice(1).map((line) => line.split(',').slice(0, 4))).toEqual(report.bySource.map((s) => [s.source, String(s.leads), String(s.qualified), String(s.won)]));
    expect(lines.slice(1).map((line) => line.split(',')[8])).toEqual(report.bySource.map((s) => ((s.spendCents as number) / 100).toFixed(2)));

    const quality = await trpcQuery(context, 'leadQuality.report', { range: year, filters: {} });
    expect((await tableRows(page, 'Lead quality by source')).map((r) => [r.source, r.disqualified])).toEqual(quality.bySource.map((q) => [q.source, String(q.disqualified)]));
    await screenshot(page, 'sources-marketing-1366');
    await context.close();
  });

  it('masks spend, CAC and ROI for sales, who still sees revenue, and writes masked cells as masked', async () => {
    const { context, page } = await signedIn('sales');
    await page.goto(url(`/sources?${yearQuery}`));
    const shown = await tableRows(page, 'Lead to close by source');
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((r) => r.spendCents === 'masked' && r.cacCents === 'masked' && r.roi === 'masked')).toBe(true);
    expect(shown.some((r) => r.wonRevenueCents !== 'masked' && Number(r.wonRevenueCents) > 0)).toBe(true);
    expect(await page.locator('[data-stat="roi"] [data-masked="true"]').count()).toBe(1);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV: Lead to close by source' }).click()]);
    const lines = readFileSync(await download.path(), 'utf8').trimEnd().split('\r\n').slice(1);
    expect(lines.length).toBe(shown.length);
    expect(lines.every((line) => line.split(',').slice(8).join(',') === 'masked,masked,masked')).toBe(true);
    await context.close();
  });

  it('masks revenue and spend for the viewer and offers no export', async () => {
    const { context, page } = await signedIn('viewer');
    await page.goto(url(`/sources?${yearQuery}`));
    const shown = await tableRows(page, 'Lead to close by source');
    expect(shown.every((r) => r.wonRevenueCents === 'masked' && r.spendCents === 'masked')).toBe(true);
    expect(await page.getByRole('button', { name: /Export CSV/ }).count()).toBe(0);
    await screenshot(page, 'sources-viewer-1366');
    await context.close();
  });
});
