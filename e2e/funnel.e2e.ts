import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stages } from '~/server/metrics/funnel';
import { launchBrowser, screenshot, signIn, url } from './browser';

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

  it('shows the seven stages with the journey counts in the database', async () => {
    await signIn(page, 'viewer');
    const table = page.getByRole('table', { name: 'Journeys by stage' });
    await table.waitFor();

    const shown = await page.$$eval('tr[data-stage]', (rows) =>
      rows.map((row) => ({
        stage: row.getAttribute('data-stage'),
        label: row.querySelector('th')?.textContent ?? '',
        journeys: Number(row.querySelector('[data-journeys]')?.getAttribute('data-journeys')),
        text: row.querySelector('[data-journeys]')?.textContent ?? '',
      })),
    );
    const expected = inject('stageCounts');
    expect(shown.map((s) => s.stage)).toEqual([...stages]);
    expect(shown.map((s) => ({ stage: s.stage, journeys: s.journeys }))).toEqual(expected);
    for (const [index, row] of shown.entries()) {
      expect(row.label.toLowerCase()).toBe(stages[index]);
      expect(row.text).toBe(expected[index]!.journeys.toLocaleString('en-US'));
    }
    // The demo must give the page something to show at every stage.
    expect(expected.every((s) => s.journeys > 0)).toBe(true);
    await screenshot(page, 'first-page');
  });
});
