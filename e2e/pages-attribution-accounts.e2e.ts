// The Attribution and Accounts pages through the production server and a browser, as sales,
// service and the viewer: figures equal the tRPC answers for the same user, filters and the chosen
// deal live in the URL and survive a reload, the deal path and the account timeline open, CSV
// export gives the rows shown, and masked values are shown masked.
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '~/server/auth/rights';
import { demoYear, launchBrowser, screenshot, signIn, url } from './browser';
import { raw, statText, tableRows, type Masked } from './tables';
import { trpcQuery } from './trpcHttp';

// The 12 months up to the e2e demo's anchor (the run's day).
const { yearQuery, year } = demoYear();
const models = ['first_touch', 'last_touch', 'linear', 'u_shaped', 'w_shaped', 'full_path', 'time_decay'] as const;

type Money = number | Masked;
interface AttributionRow {
  key: string | null;
  models: Record<(typeof models)[number], { revenueCents: Money; influencedDeals: number }>;
}
interface AttributionReport {
  deals: number;
  revenueCents: Money;
  byChannel: AttributionRow[];
  byCampaign: AttributionRow[];
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

/** The first account (by the list's order) whose timeline holds a service ticket. */
async function accountWithTicket(context: BrowserContext): Promise<string> {
  const list = await trpcQuery(context, 'accounts.list', { pageSize: 200 });
  for (const account of list.items) {
    const timeline = await trpcQuery(context, 'accounts.timeline', { accountId: account.accountId, limit: 1000 });
    if (timeline.items.some((i) => i.type === 'ticket.opened')) return account.accountId;
  }
  throw new Error('no account with a ticket in the demo');
}

function channelRows(report: AttributionReport) {
  return report.byChannel.map((r) => [r.key ?? '(none)', ...models.flatMap((m) => [raw(r.models[m].revenueCents), String(r.models[m].influencedDeals)])]);
}

function shownChannelRows(rows: Record<string, string>[]) {
  return rows.map((r) => [r.label, ...models.flatMap((m) => [r[`${m}.revenue`], r[`${m}.deals`]])]);
}

describe('Attribution', () => {
  it('shows every model by channel and campaign as the procedure gives them to sales, and exports them', async () => {
    const { context, page } = await signedIn('sales');
    await page.goto(url(`/attribution?${yearQuery}`));
    const report = await trpcQuery(context, 'attribution.report', { range: year, filters: {} });
    expect(report.deals).toBeGreaterThan(0);
    expect(shownChannelRows(await tableRows(page, 'Attribution by channel'))).toEqual(channelRows(report));
    expect((await tableRows(page, 'Attribution by campaign')).map((r) => [r.key, r['linear.revenue']])).toEqual(
      report.byCampaign.map((r) => [r.key ?? '(none)', raw(r.models.linear.revenueCents)]),
    );
    expect(await statText(page, 'deals')).toBe(report.deals.toLocaleString('en-US'));
    // Every model shares out the whole won revenue.
    for (const m of models) expect(report.byChannel.reduce((s, r) => s + (r.models[m].revenueCents as number), 0)).toBe(report.revenueCents);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV: Attribution by channel' }).click()]);
    expect(download.suggestedFilename()).toBe('attribution-by-channel.csv');
    const lines = readFileSync(await download.path(), 'utf8').trimEnd().split('\r\n');
    expect(lines[0]!.split(',').slice(0, 3)).toEqual(['Channel', 'First touch credit', 'First touch deals']);
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3))).toEqual(
      report.byChannel.map((r) => [r.key ?? '(none)', ((r.models.first_touch.revenueCents as number) / 100).toFixed(2), String(r.models.first_touch.influencedDeals)]),
    );

    // The chart follows the model picker, kept in the URL.
    await page.selectOption('#attribution-model', 'time_decay');
    await page.waitForURL((current) => new URL(current).searchParams.get('model') === 'time_decay');
    await page.getByRole('heading', { name: 'Revenue credit by channel: Time decay' }).waitFor();
    await screenshot(page, 'attribution-sales-1366');
    await context.close();
  });

  it('changes with the filters and keeps them, and the chosen deal, through a reload', async () => {
    const { context, page } = await signedIn('sales');
    await page.goto(url(`/attribution?${yearQuery}`));
    const all = await trpcQuery(context, 'attribution.report', { range: year, filters: {} });
    const deals = (await trpcQuery(context, 'attribution.wonDeals', { range: year, filters: {}, pageSize: 50 })).items;
    expect((await tableRows(page, 'Won deals in range (latest first, 50 a page)')).map((r) => [r.opportunityId, r.amountCents])).toEqual(
      deals.map((d) => [d.opportunityId, raw(d.amountCents)]),
    );

    await page.fill('#filter-dealType', 'new_business');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL((current) => new URL(current).searchParams.get('dealType') === 'new_business');
    const filtered = await trpcQuery(context, 'attribution.report', { range: year, filters: { dealType: 'new_business' } });
    expect(filtered.deals).toBeLessThanOrEqual(all.deals);
    await expect.poll(async () => shownChannelRows(await tableRows(page, 'Attribution by channel'))).toEqual(channelRows(filtered));

    const filteredDeals = (await trpcQuery(context, 'attribution.wonDeals', { range: year, filters: { dealType: 'new_business' }, pageSize: 50 })).items;
    expect(filteredDeals.length).toBeGreaterThan(0);
    const chosen = filteredDeals[0]!.opportunityId;
    await page.getByRole('button', { name: `Open the path of deal ${chosen}` }).click();
    await page.waitForURL((current) => new URL(current).searchParams.get('deal') === chosen);
    const deal = await trpcQuery(context, 'attribution.deal', { opportunityId: chosen });
    if (!deal) throw new Error(`${chosen} is not a won deal`);
    const caption = `Touches of ${chosen} with each model's credit`;
    const pathRows = async () => (await tableRows(page, caption)).map((r) => [r.channel, ...models.map((m) => r[m])]);
    const expected = deal.touches.map((t) => [t.channel, ...models.map((m) => raw((t.credits as Record<string, number>)[m]))]);
    await expect.poll(pathRows).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);

    await page.reload();
    expect(await pathRows()).toEqual(expected);
    expect(await page.inputValue('#filter-dealType')).toBe('new_business');
    await screenshot(page, 'attribution-sales-deal-path');
    await context.close();
  });

  it('masks revenue credit for the viewer, keeps deal counts, and offers no export', async () => {
    const { context, page } = await signedIn('viewer', 768);
    await page.goto(url(`/attribution?${yearQuery}`));
    const shown = await tableRows(page, 'Attribution by channel');
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((r) => models.every((m) => r[`${m}.revenue`] === 'masked' && r[`${m}.deals`] !== 'masked'))).toBe(true);
    expect(await page.locator('[data-stat="revenue"] [data-masked="true"]').count()).toBe(1);
    expect(await page.getByRole('button', { name: /Export CSV/ }).count()).toBe(0);
    await screenshot(page, 'attribution-viewer-768');
    await context.close();
  });
});

describe('Accounts', () => {
  it('lists, searches and filters accounts as the procedure does for service, and keeps the filter through a reload', async () => {
    const { context, page } = await signedIn('service');
    await page.goto(url('/accounts'));
    const all = await trpcQuery(context, 'accounts.list', { pageSize: 50 });
    expect((await tableRows(page, 'Accounts')).map((r) => [r.accountId, r.openTickets, r.lifetimeValueCents])).toEqual(
      all.items.map((a) => [a.accountId, String(a.openTickets), raw(a.lifetimeValueCents)]),
    );
    expect(all.items.every((a) => typeof a.lifetimeValueCents === 'object')).toBe(true);
    expect(all.items.length).toBeGreaterThan(0);
    await screenshot(page, 'accounts-service-1366');

    await page.getByLabel('Only open tickets with an open deal or renewal').check();
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL((current) => new URL(current).searchParams.get('service') === '1');
    const service = await trpcQuery(context, 'accounts.list', { openTicketWithOpenDeal: true, pageSize: 50 });
    const serviceRows = async () => (await tableRows(page, 'Accounts')).map((r) => r.accountId);
    await expect.poll(serviceRows).toEqual(service.items.map((a) => a.accountId));
    expect(service.items.every((a) => a.openTickets > 0 && a.openDeals > 0)).toBe(true);
    await page.reload();
    expect(await serviceRows()).toEqual(service.items.map((a) => a.accountId));
    expect(await page.getByLabel('Only open tickets with an open deal or renewal').isChecked()).toBe(true);

    const named = all.items.find((a) => a.name)!;
    await page.goto(url(`/accounts?q=${encodeURIComponent(named.name!)}`));
    const searched = await trpcQuery(context, 'accounts.list', { search: named.name!, pageSize: 50 });
    expect((await tableRows(page, 'Accounts')).map((r) => r.accountId)).toEqual(searched.items.map((a) => a.accountId));
    expect(searched.items.map((a) => a.accountId)).toContain(named.accountId);
    await context.close();
  });

  it("opens an account's timeline for sales with service tickets in it, and exports it", async () => {
    const { context, page } = await signedIn('sales');
    const account = { accountId: await accountWithTicket(context) };
    await page.goto(url(`/accounts?q=${encodeURIComponent(account.accountId)}`));
    await page.getByRole('button', { name: `Open the timeline of account ${account.accountId}` }).click();
    await page.waitForURL((current) => new URL(current).pathname === `/accounts/${encodeURIComponent(account.accountId)}`);
    const timeline = await trpcQuery(context, 'accounts.timeline', { accountId: account.accountId, limit: 1000 });
    const caption = `Timeline of ${account.accountId}`;
    const shown = await tableRows(page, caption);
    expect(shown.map((r) => [r.department, r.type, r.amountCents])).toEqual(timeline.items.map((i) => [i.department, i.type, raw(i.amountCents)]));
    expect(shown.some((r) => r.department === 'service' && r.type === 'ticket.opened')).toBe(true);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `Export CSV: ${caption}` }).click()]);
    const lines = readFileSync(await download.path(), 'utf8').trimEnd().split('\r\n');
    expect(lines.length - 1).toBe(shown.length);
    await screenshot(page, 'account-timeline-sales');
    await context.close();
  });

  it('shows contact details and money masked, not dropped, to the viewer', async () => {
    const { context, page } = await signedIn('viewer', 768);
    const account = { accountId: await accountWithTicket(context) };
    await page.goto(url(`/accounts/${encodeURIComponent(account.accountId)}`));
    const shown = await tableRows(page, `Timeline of ${account.accountId}`);
    const timeline = await trpcQuery(context, 'accounts.timeline', { accountId: account.accountId, limit: 1000 });
    expect(shown.length).toBe(timeline.items.length);
    expect(shown.every((r) => r.contactEmail === 'masked' && r.amountCents === 'masked')).toBe(true);
    expect(await page.locator('[data-stat="ltv"] [data-masked="true"]').count()).toBe(1);
    await screenshot(page, 'account-timeline-viewer-768');
    await context.close();
  });
});
