// Admin > Import through the production server and a browser: the Olist CSV files uploaded with
// the mapping UI (suggested columns, a value for empty cells, a constant outcome), previewed,
// imported with progress, then 8,000 leads and 842 wins on the Sources page for 2017-2018.
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from './browser';
import { startOwnServer, type OwnServer } from './ownServer';

const olist = path.join(process.cwd(), '../shared/data/olist');

let browser: Browser;
let context: BrowserContext;
let page: Page;
// Its own server and database: 8,000 imported leads would change what the other tests count.
let server: OwnServer;

beforeAll(async () => {
  server = await startOwnServer('import');
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  page = await context.newPage();
  await server.signIn(page, 'admin', '/admin/import');
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const column = (field: string) => page.getByLabel(`Column for ${field}`, { exact: true });
const whenEmpty = (field: string) => page.getByLabel(`Value when empty for ${field}`, { exact: true });

async function uploadAs(kindLabel: string, file: string): Promise<void> {
  await page.getByLabel('The rows are').selectOption({ label: kindLabel });
  await page.getByLabel('CSV file').setInputFiles(path.join(olist, file));
  await page.getByRole('heading', { name: `Columns of ${file}` }).waitFor();
}

/** Previews, imports, and waits for the progress section to say done; returns its status line. */
async function previewAndImport(name: string): Promise<string> {
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.getByRole('table', { name: /^The first 20 rows as the events they become/ }).waitFor();
  await screenshot(page, `import-${name}-preview`);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByRole('heading', { name: /^Import \d+: done$/ }).waitFor({ timeout: 240_000 });
  return page.locator('section[aria-labelledby="progress-title"] [role="status"]').innerText();
}

describe('Olist through Admin > Import', () => {
  it('imports the leads with the suggested columns', async () => {
    await uploadAs('Leads (marketing)', 'olist_marketing_qualified_leads_dataset.csv');
    expect(await column('Contact id').inputValue()).toBe('mql_id');
    expect(await column('Created at').inputValue()).toBe('first_contact_date');
    expect(await column('Source').inputValue()).toBe('origin');
    expect(await column('Campaign id').inputValue()).toBe('landing_page_id');
    await page.getByLabel('Time zone of the dates').fill('UTC');
    const status = await previewAndImport('leads');
    expect(status).toMatch(/^8,000 rows, .* 8,000 new events, 0 already there, 0 invalid rows, 0 skipped$/);
  }, 300_000);

  it('imports the deals as opportunities, with values for empty cells', async () => {
    await uploadAs('Opportunities (sales)', 'olist_closed_deals_dataset.csv');
    expect(await column('Opportunity id').inputValue()).toBe('mql_id');
    expect(await column('Account id').inputValue()).toBe('seller_id');
    expect(await column('Amount').inputValue()).toBe('declared_monthly_revenue');
    await column('Created at').selectOption('won_date');
    await whenEmpty('Amount').fill('0');
    await whenEmpty('Deal type').fill('unknown');
    await page.getByLabel('Time zone of the dates').fill('UTC');
    const status = await previewAndImport('deals');
    expect(status).toMatch(/^842 rows, .* 842 new events, 0 already there, 0 invalid rows, 0 skipped$/);
  }, 300_000);

  it('imports the deals as wins with a constant outcome', async () => {
    await uploadAs('Won / lost deals (sales)', 'olist_closed_deals_dataset.csv');
    expect(await column('Closed at').inputValue()).toBe('won_date');
    await whenEmpty('Outcome').fill('won');
    await page.getByLabel('Time zone of the dates').fill('UTC');
    const status = await previewAndImport('wins');
    expect(status).toMatch(/^842 rows, .* 842 new events, 0 already there, 0 invalid rows, 0 skipped$/);
    await screenshot(page, 'import-history');
    const history = page.getByRole('table', { name: 'Imports' });
    expect(await history.locator('tbody tr').count()).toBe(3);
  }, 300_000);

  it('shows 8,000 leads and 842 wins on the Sources page for 2017-2018', async () => {
    await page.goto(server.url('/sources?range=custom&from=2017-01-01&to=2018-12-31'));
    const leads = page.locator('[data-stat="leads"]');
    expect(await leads.locator('> div:nth-child(2)').innerText()).toBe('8,000');
    expect(await leads.locator('> div:nth-child(3)').innerText()).toBe('842 won');
    await screenshot(page, 'import-sources');
  });
});
