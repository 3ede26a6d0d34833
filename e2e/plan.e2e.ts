// The Plan page through the production server and a browser, per role: the figures equal the
// plan.get answer for the same user, a what-if is recomputed (in the browser for the executive,
// by the server for the viewer, whose money is masked) and equals the server's what-if, and
// marketing makes its own line a KPI target while the others are left to their owners.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '~/server/auth/rights';
import { seriousViolations } from './axe';
import { launchBrowser, screenshot, signIn, url } from './browser';
import { tableRows, unmasked } from './tables';
import { trpcMutation, trpcQuery } from './trpcHttp';

// A quarterly number well above anything the 300-lead demo wins, so the plan asks for inquiries.
const amountUnits = 5_000_000;
const typed = { targetCents: amountUnits * 100, periodKind: 'quarter' as const, windowDays: 365 };
const page1366 = `/plan?amount=${amountUnits}&period=quarter`;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function signedIn(role: Role): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await signIn(page, role);
  return { context, page };
}

const round2 = (value: number | null) => (value === null ? '' : String(Math.round(value * 100) / 100));

describe('Plan', () => {
  it('shows the executive the figures of the procedure and recomputes a what-if in the browser', async () => {
    const { context, page } = await signedIn('executive');
    await page.goto(url(page1366));
    const answer = await trpcQuery(context, 'plan.get', typed);
    const weeks = await tableRows(page, 'The plan per ISO week');
    expect(weeks.map((w) => [w.week, w.inquiries, w.wins, w.onboardingStarts])).toEqual(
      answer.plan.weeks.map((w) => [w.week, round2(w.inquiries), round2(w.wins), round2(w.onboardingStarts)]),
    );
    const lines = await tableRows(page, 'Department lines');
    expect(lines.map((l) => [l.line, l.department, l.planFromNow])).toEqual(answer.lines.map((l) => [l.label, l.department, round2(l.planFromNow)]));
    expect(await page.getByTestId('plan-outcome').innerText()).not.toBe('');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'plan-executive-1366');

    if (answer.plan.outcome === 'needs_inquiries') {
      // Twice the qualified -> won rate: the same pure function in the browser as on the server.
      await page.fill('#wi-win', '200');
      await page.getByTestId('what-if-status').filter({ hasText: 'What-if:' }).waitFor();
      const server = await trpcQuery(context, 'plan.get', { ...typed, whatIf: { winFactor: 2 } });
      const comparison = await tableRows(page, 'What-if against the baseline');
      const perWeek = comparison.find((r) => r.figure === 'Inquiries a week')!;
      expect([perWeek.baseline, perWeek.whatIf]).toEqual([round2(answer.plan.inquiriesPerWeek), round2(server.plan.inquiriesPerWeek)]);
      expect(Number(perWeek.change)).toBeLessThan(0);
      const shownWeeks = await tableRows(page, 'The plan per ISO week');
      expect(shownWeeks.map((w) => w.inquiries)).toEqual(server.plan.weeks.map((w) => round2(w.inquiries)));
      await screenshot(page, 'plan-executive-what-if-1366');
    } else {
      expect(answer.plan.inquiriesPerWeek === null || answer.plan.inquiriesPerWeek === 0).toBe(true);
    }
    await context.close();
  });

  it('masks money for the viewer, recomputes its what-if on the server, and offers no targets', async () => {
    const { context, page } = await signedIn('viewer');
    await page.goto(url(page1366));
    expect(await page.locator('[data-stat="plan-target"]').innerText()).toContain('masked');
    expect(await page.getByRole('button', { name: 'Make these KPI targets' }).isDisabled()).toBe(true);
    const answer = await trpcQuery(context, 'plan.get', typed);
    expect(answer.plan.gapCents).toEqual({ masked: true });
    if (answer.plan.outcome === 'needs_inquiries') {
      await page.fill('#wi-velocity', '50');
      await page.getByTestId('what-if-status').filter({ hasText: 'What-if:' }).waitFor();
      const server = await trpcQuery(context, 'plan.get', { ...typed, whatIf: { velocityFactor: 0.5 } });
      const comparison = await tableRows(page, 'What-if against the baseline');
      expect(comparison.find((r) => r.figure === 'Inquiries a week')!.whatIf).toBe(round2(server.plan.inquiriesPerWeek));
    }
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'plan-viewer-1366');
    await context.close();
  });

  it('lets marketing make its own line a KPI target and leaves the others to their owners', async () => {
    const { context, page } = await signedIn('marketing');
    await page.goto(url(page1366));
    const answer = await trpcQuery(context, 'plan.get', typed);
    const button = page.getByRole('button', { name: 'Make these KPI targets' });
    if (answer.plan.outcome === 'cannot_close_in_time') {
      expect(await button.isDisabled()).toBe(true);
      await context.close();
      return;
    }
    // The quarter's targets of the four line metrics without filters: those are updated, not duplicated.
    const quarterStart = answer.target.periodStart;
    const before = (await trpcQuery(context, 'kpis.list', { periodStart: quarterStart })).filter(
      (s) => lineMetrics.includes(s.target.metric) && Object.keys(s.target.filters).length === 0,
    );
    const accountableOf = (metric: string) => before.find((s) => s.target.metric === metric)?.target.accountable ?? defaultAccountable[metric]!;
    const expectedSkipped = lineMetrics.filter((m) => accountableOf(m) !== 'marketing').map((m) => `${m} (${accountableOf(m)})`);

    await button.click();
    const status = page.getByTestId('make-targets-status');
    await status.filter({ hasText: expectedSkipped.length > 0 ? 'Left to their owners' : 'Created' }).waitFor();
    const text = await status.innerText();
    if (!before.some((s) => s.target.metric === 'leads')) expect(text).toContain('Created: Plan: Leads (inquiries) for Typed-in revenue target.');
    expect(text).toContain(`Left to their owners: ${expectedSkipped.join(', ')}.`);

    const after = await trpcQuery(context, 'kpis.list', { periodStart: quarterStart });
    const made = after.filter((s) => s.target.name.startsWith('Plan: '));
    expect(made.every((s) => s.target.accountable === 'marketing')).toBe(true);
    // Leave the shared demo as it was for the other browser tests: delete what was made, restore what was updated.
    for (const s of made) await trpcMutation(context, 'kpis.delete', { id: s.target.id });
    for (const s of before.filter((b) => b.target.accountable === 'marketing')) {
      const { id, name, metric, filters, periodKind, periodStart, targetValue, qualityMetric, qualityMin, budgetCents, accountable, responsible, consulted, informed } = s.target;
      await trpcMutation(context, 'kpis.update', {
        id,
        target: { name, metric, filters, periodKind, periodStart, targetValue: unmasked(targetValue), qualityMetric, qualityMin, budgetCents: unmasked(budgetCents), accountable, responsible, consulted, informed },
      });
    }
    await context.close();
  });

  it('shows the plan tile of a saved dashboard with the figures of the procedure', async () => {
    const { context, page } = await signedIn('executive');
    const targets = await trpcQuery(context, 'plan.targets', undefined);
    const dashboard = await trpcMutation(context, 'dashboards.create', { name: 'Plan tile', tiles: [{ kind: 'plan' }] });
    await page.goto(url(`/dashboards/${dashboard.id}`));
    const tile = page.locator('[data-tile="plan"]');
    await tile.waitFor();
    const current = targets.find((t) => t.periodStart === currentPeriodStart(t.periodKind));
    if (current) {
      const answer = await trpcQuery(context, 'plan.get', { targetId: current.id });
      const lines = await tableRows(page, "Each department's line");
      expect(lines.map((l) => [l.line, l.department, l.planFromNow])).toEqual(answer.lines.map((l) => [l.label, l.department, round2(l.planFromNow)]));
    } else {
      expect(await tile.innerText()).toContain('No revenue target runs this period.');
    }
    await trpcMutation(context, 'dashboards.delete', { id: dashboard.id });
    await context.close();
  });
});

const lineMetrics = ['leads', 'qualified_leads', 'won_deals', 'onboarding_starts'];
const defaultAccountable: Record<string, string> = { leads: 'marketing', qualified_leads: 'sales', won_deals: 'sales', onboarding_starts: 'operations' };

function currentPeriodStart(kind: string): string {
  const now = new Date();
  const month = kind === 'month' ? now.getUTCMonth() : now.getUTCMonth() - (now.getUTCMonth() % 3);
  return new Date(Date.UTC(now.getUTCFullYear(), month, 1)).toISOString().slice(0, 10);
}
