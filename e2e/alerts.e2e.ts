// The Alerts page and notes through the production server and a browser: marketing creates a
// rule with a webhook (a real receiver started here), sends a test and sees it delivered and
// signed; sales addresses a note to marketing on the Accountability page and marketing's bell
// count rises.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, verifySignature } from '~/server/alerts/channels';
import { startWebhookReceiver, type WebhookReceiver } from '~/server/alerts/testReceivers';
import type { Role } from '~/server/auth/rights';
import { launchBrowser, screenshot, signIn } from './browser';
import { tableRows } from './tables';

let browser: Browser;
let hook: WebhookReceiver;
const secret = 'browser-test-secret-0123456789';

beforeAll(async () => {
  [browser, hook] = await Promise.all([launchBrowser(), startWebhookReceiver()]);
});
afterAll(async () => {
  await browser?.close();
  await hook?.close();
});

async function signedIn(role: Role, then = '/'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await signIn(page, role, then);
  return { context, page };
}

async function bellCount(page: Page): Promise<number> {
  return Number(await page.locator('[data-bell-count]').getAttribute('data-bell-count'));
}

describe('Alerts', () => {
  it('marketing creates a rule, sends a test, and the receiver gets one signed call', async () => {
    const { context, page } = await signedIn('marketing', '/alerts');
    await page.fill('#rule-name', 'Notes to marketing');
    await page.selectOption('#rule-kind', 'notes');
    await page.fill('#rule-url', hook.url);
    await page.fill('#rule-secret', secret);
    await page.click('form[aria-label="New alert rule"] button[type="submit"]');
    await page.getByText('Rule "Notes to marketing" created.').waitFor();
    await page.getByRole('table', { name: 'Alert rules', exact: true }).getByText('Notes to marketing').waitFor();
    const rules = await tableRows(page, 'Alert rules');
    expect(rules.map((r) => [r.name, r.department, r.kind])).toEqual([['Notes to marketing', 'marketing', 'notes']]);

    await page.click('button[aria-label="Send a test of Notes to marketing"]');
    await page.locator('[data-test-result]').waitFor();
    expect(await page.locator('[data-test-result]').textContent()).toBe(`webhook ${hook.url}: delivered`);
    expect(hook.calls).toHaveLength(1);
    const call = hook.calls[0]!;
    expect(verifySignature(call.body, secret, call.headers[SIGNATURE_HEADER.toLowerCase()] as string)).toBe(true);
    expect(JSON.parse(call.body)).toMatchObject({ kind: 'test', title: 'Test of "Notes to marketing"', department: 'marketing' });

    await page.reload();
    const log = await tableRows(page, 'Deliveries');
    expect(log.map((d) => [d.title, d.status, d.attempts])).toEqual([['Test of "Notes to marketing"', 'delivered', '1']]);
    await screenshot(page, 'alerts-marketing');
    await context.close();
  });

  it('a note sales addresses to marketing rises marketing’s bell and reaches its webhook', async () => {
    const marketing = await signedIn('marketing', '/alerts');
    const before = await bellCount(marketing.page);

    const sales = await signedIn('sales', '/accountability');
    await sales.page.selectOption('#note-to', 'marketing');
    await sales.page.fill('#note-body', 'Why did these 12 leads wait 3 days?');
    await sales.page.click('form[aria-label="New note"] button[type="submit"]');
    await sales.page.getByText('Note sent to marketing.').waitFor();
    await sales.page.getByRole('table', { name: 'Notes on KPI targets', exact: true }).getByText('Why did these 12 leads wait 3 days?').waitFor();
    const notes = await tableRows(sales.page, 'Notes on KPI targets');
    expect(notes.map((n) => [n.to, n.body])).toContainEqual(['marketing', 'Why did these 12 leads wait 3 days?']);
    await screenshot(sales.page, 'accountability-notes');
    expect(await bellCount(sales.page)).toBe(0);

    await marketing.page.reload();
    expect(await bellCount(marketing.page)).toBe(before + 1);
    const inbox = await tableRows(marketing.page, 'Notes');
    expect(inbox[0]).toMatchObject({ body: 'Why did these 12 leads wait 3 days?', unread: 'new' });

    // The notes rule queued it; the app's delivery loop sends it within seconds.
    const deadline = Date.now() + 20_000;
    while (hook.calls.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(JSON.parse(hook.calls[1]!.body)).toMatchObject({ kind: 'note', department: 'marketing', text: expect.stringContaining('Why did these 12 leads wait 3 days?') });

    await marketing.page.click('text=Mark all read');
    await marketing.page.waitForFunction(() => document.querySelector('[data-bell-count]')?.getAttribute('data-bell-count') === '0');
    await screenshot(marketing.page, 'alerts-notes-read');
    await marketing.context.close();
    await sales.context.close();
  });
});
