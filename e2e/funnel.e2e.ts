import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stages } from '~/server/metrics/funnel';
import { launchBrowser, screenshot, signIn, url } from './browser';
import { trpcQuery } from './trpcHttp';

describe('the first page', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('sends a signed-out visitor to sign-in', async () => {
    await page.goto(url('/'));
    expect(new URL(page.url()).pathname).toBe('/signin');
  });

  it('shows the seven stages with the journey counts of the funnel procedure', async () => {
    await signIn(page, 'viewer');
    // A range holding every journey of the demo: the counts are those of all data received.
    await page.goto(url('/?range=custom&from=2000-01-01&to=2099-12-31'));
    const table = page.getByRole('table', { name: 'Journeys by stage' });
    await table.waitFor();

    const shown = await table.locator('tbody tr').evaluateAll((rows) =>
      rows.map((row) => ({
        label: row.querySelector('[data-col="label"]')?.textContent ?? '',
        journeys: Number(row.querySelector('[data-col="journeys"]')?.getAttribute('data-value')),
        text: row.querySelector('[data-col="journeys"]')?.textContent ?? '',
      })),
    );
    const report = await trpcQuery(page.context(), 'funnel.report', {
      range: { from: '2000-01-01', to: '2100-01-01' },
      filters: {},
    });
    expect(shown.map((s) => s.label.toLowerCase())).toEqual([...stages]);
    expect(shown.map((s) => s.journeys)).toEqual(report.stages.map((s) => s.journeys));
    for (const [index, row] of shown.entries()) expect(row.text).toBe(report.stages[index]!.journeys.toLocaleString('en-US'));
    // Every journey of the demo has an inquiry, so the all-time cohort holds every journey the database counts.
    expect(report.stages).toEqual(inject('stageCounts').map((s) => expect.objectContaining(s)));
    // The demo must give the page something to show at every stage.
    expect(report.stages.every((s) => s.journeys > 0)).toBe(true);
    await screenshot(page, 'first-page');
  });
});
