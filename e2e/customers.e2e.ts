// The Customers page through the production server and a browser, as the executive (money shown),
// service (money masked, CSV allowed) and the viewer (masked, no CSV): every table equals the tRPC
// answers for the same user, masked values read "masked" (never 0), the CSV holds the rows shown,
// and axe finds no serious or critical violation. Screenshots at 1366 and 768 px.
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Role } from '~/server/auth/rights';
import { seriousViolations } from './axe';
import { launchBrowser, screenshot, signIn, url } from './browser';
import { raw, statText, tableRows, type Masked } from './tables';
import { trpcQuery } from './trpcHttp';

/**
 * The e2e demo ends at its anchor, the day the run started (20 months of history): ask for the eight
 * calendar quarters up to the anchor, the last one cut at the anchor. Churn only comes at a customer's
 * yearly renewal, so a fixed range would miss it once the demo has moved on.
 */
function lastEightQuarters(): { rangeQuery: string; range: { from: string; to: string }; quarters: string[] } {
  const anchor = new Date(`${inject('demoAnchor')}T00:00:00Z`);
  const lastDay = new Date(anchor.getTime() - 86_400_000);
  const lastQuarter = lastDay.getUTCFullYear() * 4 + Math.floor(lastDay.getUTCMonth() / 3);
  const quarters = Array.from({ length: 8 }, (_, k) => lastQuarter - 7 + k);
  const first = quarters[0]!;
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const from = day(new Date(Date.UTC(Math.floor(first / 4), (first % 4) * 3, 1)));
  return {
    rangeQuery: `range=custom&from=${from}&to=${day(lastDay)}`,
    range: { from, to: day(anchor) },
    quarters: quarters.map((q) => `${Math.floor(q / 4)}-Q${(q % 4) + 1}`),
  };
}
const { rangeQuery, range, quarters: quarterLabels } = lastEightQuarters();

type Money = number | Masked;
interface Quarter {
  quarter: string;
  accounts: number;
  startingCents: Money;
  expansionCents: Money;
  churnedCents: Money;
  endingCents: Money;
  netRevenueRetention: number | null;
  grossRetention: number | null;
}
interface ValueGroup {
  key: string | null;
  customers: number;
  churned: number;
  retainedShare: number | null;
  lifetimeValueCents: Money;
  averageLifetimeValueCents: Money | null;
}
interface Report {
  churnedByReason: { reason: string | null; accounts: number; churnedCents: Money }[];
  expansionByReason: { reason: string; items: number; accounts: number; expansionCents: Money }[];
  advocacyByKind: { kind: string; events: number; accounts: number }[];
  valueBy: { source: ValueGroup[]; campaign: ValueGroup[]; segment: ValueGroup[] };
  cohorts: { cohort: number; customers: number; points: { years: number; retainedShare: number | null }[] }[];
}

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function open(role: Role, width = 1366): Promise<{ context: BrowserContext; page: Page; quarters: Quarter[]; report: Report }> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await signIn(page, role);
  await page.goto(url(`/customers?${rangeQuery}`));
  await page.getByRole('heading', { level: 1, name: 'Customers' }).waitFor();
  const quarters = await trpcQuery(context, 'customers.retention', { range, filters: {} });
  const report = await trpcQuery(context, 'customers.report', { range, filters: {} });
  return { context, page, quarters, report };
}

async function expectTablesMatch(page: Page, quarters: Quarter[], report: Report) {
  expect(quarters.map((q) => q.quarter)).toEqual(quarterLabels);
  expect((await tableRows(page, 'Revenue retention by quarter')).map((r) => [r.quarter, r.accounts, r.startingCents, r.churnedCents, r.netRevenueRetention, r.grossRetention])).toEqual(
    quarters.map((q) => [q.quarter, String(q.accounts), raw(q.startingCents), raw(q.churnedCents), raw(q.netRevenueRetention), raw(q.grossRetention)]),
  );
  expect((await tableRows(page, 'Churned revenue by reason')).map((r) => [r.reason, r.accounts, r.churnedCents])).toEqual(
    report.churnedByReason.map((r) => [r.reason ?? '(no reason given)', String(r.accounts), raw(r.churnedCents)]),
  );
  expect((await tableRows(page, 'Expanded revenue by reason')).map((r) => [r.reason, r.items, r.expansionCents])).toEqual(
    report.expansionByReason.map((r) => [r.reason, String(r.items), raw(r.expansionCents)]),
  );
  expect((await tableRows(page, 'Advocacy by kind')).map((r) => [r.events, r.accounts])).toEqual(report.advocacyByKind.map((r) => [String(r.events), String(r.accounts)]));
  for (const [caption, groups] of [
    ['Lifetime value by original source', report.valueBy.source],
    ['Lifetime value by original campaign', report.valueBy.campaign],
    ['Lifetime value by segment', report.valueBy.segment],
  ] as const) {
    expect((await tableRows(page, caption)).map((r) => [r.customers, r.churned, r.retainedShare, r.lifetimeValueCents, r.averageLifetimeValueCents])).toEqual(
      groups.map((g) => [String(g.customers), String(g.churned), raw(g.retainedShare), raw(g.lifetimeValueCents), raw(g.averageLifetimeValueCents)]),
    );
  }
  expect((await tableRows(page, 'Retention of yearly cohorts')).map((r) => [r.cohort, r.customers, r.y1 ?? ''])).toEqual(
    report.cohorts.map((c) => [String(c.cohort), String(c.customers), raw(c.points.find((p) => p.years === 1)?.retainedShare ?? null)]),
  );
}

describe('Customers', () => {
  it('shows the executive every figure of the procedures, money included, and exports it', async () => {
    const { context, page, quarters, report } = await open('executive');
    // The demo has expansion, advocacy and customers from several sources. Churn comes at yearly
    // renewals: the 300-lead demo may have none yet in these quarters, and the churn table is
    // compared with the procedure either way.
    expect(report.expansionByReason.length).toBeGreaterThan(0);
    expect(report.advocacyByKind.length).toBeGreaterThan(0);
    expect(report.valueBy.source.length).toBeGreaterThan(1);
    expect(quarters.some((q) => q.netRevenueRetention !== null)).toBe(true);
    await expectTablesMatch(page, quarters, report);
    const churned = report.churnedByReason.reduce((s, r) => s + (r.churnedCents as number), 0);
    // Amounts of $10,000 and more are shown in whole dollars, smaller ones with cents.
    const dollars = churned / 100;
    const shown = dollars >= 10_000 ? Math.round(dollars).toLocaleString('en-US') : dollars.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    expect(await statText(page, 'churned')).toBe(`$${shown}`);
    const latest = [...quarters].reverse().find((q) => q.netRevenueRetention !== null)!;
    expect(await statText(page, 'nrr')).toBe(`${(Math.round(latest.netRevenueRetention! * 1000) / 10).toString()}%`);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV: Expanded revenue by reason' }).click()]);
    expect(download.suggestedFilename()).toBe('customers-expansion-by-reason.csv');
    const lines = readFileSync(await download.path(), 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('Reason,Expansions or deals,Accounts,Revenue added');
    expect(lines.slice(1)).toEqual(
      report.expansionByReason.map((r) => `${r.reason},${r.items},${r.accounts},${((r.expansionCents as number) / 100).toFixed(2)}`),
    );

    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'customers-executive-1366');
    await page.setViewportSize({ width: 768, height: 900 });
    await screenshot(page, 'customers-executive-768');
    await context.close();
  });

  it('masks money for service, shows counts and shares, and exports "masked"', async () => {
    const { context, page, quarters, report } = await open('service');
    expect(report.churnedByReason.every((r) => typeof r.churnedCents === 'object')).toBe(true);
    expect(quarters.every((q) => typeof q.startingCents === 'object')).toBe(true);
    await expectTablesMatch(page, quarters, report);
    await expect(page.locator('[data-stat="churned"] [data-masked="true"]').count()).resolves.toBe(1);
    expect(await statText(page, 'churned')).not.toMatch(/\$0/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV: Revenue retention by quarter' }).click()]);
    const lines = readFileSync(await download.path(), 'utf8').trimEnd().split('\r\n');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3))).toEqual(quarters.map((q) => [q.quarter, String(q.accounts), 'masked']));

    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'customers-service-1366');
    await context.close();
  });

  it('gives the viewer the masked page without CSV export', async () => {
    const { context, page, quarters, report } = await open('viewer');
    await expectTablesMatch(page, quarters, report);
    await expect(page.getByRole('button', { name: /Export CSV/ }).count()).resolves.toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 768, height: 900 });
    await screenshot(page, 'customers-viewer-768');
    await context.close();
  });
});
