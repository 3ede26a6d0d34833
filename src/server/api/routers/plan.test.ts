// The plan procedures over ingested events, through the real middleware chain: the figures worked
// out by hand, money and spend masked by role, and "make these KPI targets" within each role's
// rights. The period is June 2026 [Mon Jun 1, Wed Jul 1); the plan is made on Wed Jun 10, 00:00 UTC.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { masked } from '~/lib/masked';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { event, send } from '~/server/metrics/fixtures';
import { callerAs, createTestUser } from '../testing';

let handle: DbHandle;
const asOf = '2026-06-10T00:00:00Z';
const round = (x: number | null | { masked: true }) => (typeof x === 'number' ? Math.round(x * 1e6) / 1e6 : x);

const lead = (contactId: string, at: string, source: string) => event(`lc-${contactId}`, 'lead.created', at, { contactId, source, company: `Co ${contactId}` });
const qualified = (contactId: string, at: string) => event(`lq-${contactId}`, 'lead.qualified', at, { contactId });
const opportunity = (id: string, contactId: string | undefined, at: string, amountCents: number) =>
  event(`oc-${id}`, 'opportunity.created', at, { opportunityId: id, accountId: `acc-${id}`, contactId, amountCents, dealType: 'new' });
const won = (id: string, at: string) => event(`ow-${id}`, 'opportunity.won', at, { opportunityId: id });

// ads: L1, L2, L3, L4 inquire on May 1, L7 on May 20; L1, L2, L4, L7 qualify (q 0.8); L1 wins O1 10 days
// after its inquiry (1,000), L2 O2 after 20 days (3,000), L7 O3 after 14 days (5,000, on Jun 3): r 0.6,
// A 3,000, win days 10, 14, 20. L4's O4 (2,000) is open. email: L5, L6 on May 15, L5 qualifies.
// 'new' deals: O1 8 days, O2 19, O3 13 from creation to win, O9 lost: P(win) 3/4 at Jun 10.
// Spend: 700 on ads' campaign in May: 140 an inquiry.
beforeAll(async () => {
  handle = await createTestDb();
  await send(handle.db, [
    event('cu-1', 'campaign.upserted', '2026-04-01T00:00:00Z', { campaignId: 'spring', name: 'Spring', channel: 'ads' }),
    event('cs-1', 'campaign.spend', '2026-05-10T00:00:00Z', { campaignId: 'spring', amountCents: 700, date: '2026-05-10' }),
    lead('L1', '2026-05-01T00:00:00Z', 'ads'),
    lead('L2', '2026-05-01T00:00:00Z', 'ads'),
    lead('L3', '2026-05-01T00:00:00Z', 'ads'),
    lead('L4', '2026-05-01T00:00:00Z', 'ads'),
    lead('L5', '2026-05-15T00:00:00Z', 'email'),
    lead('L6', '2026-05-15T00:00:00Z', 'email'),
    lead('L7', '2026-05-20T00:00:00Z', 'ads'),
    qualified('L1', '2026-05-02T00:00:00Z'),
    qualified('L2', '2026-05-02T00:00:00Z'),
    qualified('L4', '2026-05-02T00:00:00Z'),
    qualified('L5', '2026-05-16T00:00:00Z'),
    qualified('L7', '2026-05-20T01:00:00Z'),
    opportunity('O9', undefined, '2026-04-01T00:00:00Z', 100),
    event('ol-O9', 'opportunity.lost', '2026-04-20T00:00:00Z', { opportunityId: 'O9' }),
    opportunity('O1', 'L1', '2026-05-03T00:00:00Z', 1_000),
    won('O1', '2026-05-11T00:00:00Z'),
    opportunity('O2', 'L2', '2026-05-02T00:00:00Z', 3_000),
    won('O2', '2026-05-21T00:00:00Z'),
    opportunity('O4', 'L4', '2026-05-05T00:00:00Z', 2_000),
    opportunity('O3', 'L7', '2026-05-21T00:00:00Z', 5_000),
    won('O3', '2026-06-03T00:00:00Z'),
  ]);
});
afterAll(() => handle.close());

const typed = { targetCents: 20_000, periodKind: 'month' as const, periodStart: '2026-06-01', asOf };

describe('plan.get', () => {
  it('makes the plan from the facts known at the moment it is made', async () => {
    const admin = callerAs(handle.db, await createTestUser(handle.db, { role: 'admin' }));
    const result = await admin.plan.get(typed);
    const { plan } = result;
    // W = O3's 5,000. Pipeline: O4 (age 36 days, older than every 'new' cycle) closes the median 13 days
    // from now, Jun 23 (W26), with P 3/4: 0.75 wins, 1,500. G = 20,000 - 5,000 - 1,500 = 13,500.
    expect(plan).toMatchObject({ wonSoFarCents: 5_000, pipelineCents: 1_500, gapCents: 13_500, outcome: 'needs_inquiries' });
    expect(plan.weeks.map((w) => [w.week, w.pipelineWins, w.pipelineCents])).toEqual([
      ['2026-W24', 0, 0],
      ['2026-W25', 0, 0],
      ['2026-W26', 0.75, 1_500],
      ['2026-W27', 0, 0],
    ]);
    // ads: F(21) = 1, F(16) = 2/3, F(9) = F(2) = 0; one inquiry a week in the mix (ads 5/7) brings
    // 5/7 x 0.6 x 3,000 x 5/3 = 2,142.857143; k = 13,500 / 2,142.857143 = 6.3.
    expect(round(plan.inquiriesPerWeek as number)).toBe(6.3);
    expect(plan.weeks.map((w) => [round(w.inquiries as number), round(w.qualified as number), round(w.wins as number)])).toEqual([
      [6.3, 4.5, 2.7],
      [6.3, 4.5, 1.8],
      [6.3, 4.5, 0],
      [6.3, 4.5, 0],
    ]);
    // W24's inquiries win on Jun 20, 24 and 30, W25's on Jun 25 and 29: 0.9 each.
    expect(plan.weeks.map((w) => round(w.newWinsClosing as number))).toEqual([0, 0.9, 1.8, 1.8]);
    expect(plan.sources.map((s) => [s.source, s.inquiries, s.qualified, s.wins, s.winRate, s.meanWonCents, s.costPerInquiryCents, s.smallSample])).toEqual([
      ['ads', 5, 4, 3, 0.6, 3_000, 140, true],
      ['email', 2, 1, 0, 0, null, 0, true],
    ]);
    expect(round(plan.sources[0]!.planSpendCents as number)).toBe(2_520);
    expect(result.facts).not.toBeNull();
    expect(result.madeAt).toBe('2026-06-10T00:00:00.000Z');
  });

  it('tracks the plan made at the period start against the weeks that are over', async () => {
    const admin = callerAs(handle.db, await createTestUser(handle.db, { role: 'admin' }));
    const { tracking, lines } = await admin.plan.get(typed);
    // At Jun 1: ads r 2/5, A 2,000, win days 10 and 20; the pipeline (P 2/3) brings 4,666.67 in W24;
    // k = 15,333.33 / (5/7 x 0.4 x 2,000 x 2.5) = 10.733333. W23 had no inquiry but O3's win.
    expect(tracking.map((t) => [t.week, round(t.plannedInquiries), t.actualInquiries, t.plannedWins, t.actualWins, t.status])).toEqual([
      ['2026-W23', 10.733333, 0, 0, 1, 'behind'],
    ]);
    expect(lines.map((l) => [l.line, l.department, l.actualSoFar, round(l.planFromNow), round(l.periodTotal), l.status])).toEqual([
      ['inquiries', 'marketing', 0, 25.2, 25.2, 'behind'],
      ['qualified', 'sales', 0, 18, 18, 'behind'],
      // 1 won so far; 4.5 new and 0.75 from the pipeline.
      ['wins', 'sales', 1, 5.25, 6.25, 'on_track'],
      ['onboarding', 'operations', 0, 5.25, 5.25, 'on_track'],
    ]);
  });

  it('recomputes a what-if against the baseline', async () => {
    const admin = callerAs(handle.db, await createTestUser(handle.db, { role: 'admin' }));
    // Win rate x 1.2: ads r 0.72 -> 2,571.428571 a weekly inquiry -> k = 5.25.
    const result = await admin.plan.get({ ...typed, whatIf: { winFactor: 1.2 } });
    expect(round(result.plan.inquiriesPerWeek as number)).toBe(5.25);
    expect(round(result.baseline!.inquiriesPerWeek as number)).toBe(6.3);
  });

  it('backtests the plan made 13 weeks earlier', async () => {
    const admin = callerAs(handle.db, await createTestUser(handle.db, { role: 'admin' }));
    const { backtest } = await admin.plan.get(typed);
    // Made Mar 11 for March: nothing was won in March, so the plan asked for nothing and nothing came.
    expect(backtest).toMatchObject({ madeAt: '2026-03-11T00:00:00.000Z', periodStart: '2026-03-01T00:00:00.000Z', targetCents: 0, predictedWins: 0, actualWins: 0, absolutePercentageError: null });
  });

  it('masks money for roles without seeMoney and spend without seeSpend, and sends them no facts', async () => {
    const viewer = callerAs(handle.db, await createTestUser(handle.db, { role: 'viewer' }));
    const seen = await viewer.plan.get(typed);
    expect(seen.plan).toMatchObject({ targetCents: masked, wonSoFarCents: masked, pipelineCents: masked, gapCents: masked });
    expect(round(seen.plan.inquiriesPerWeek as number)).toBe(6.3);
    expect(seen.plan.sources[0]).toMatchObject({ meanWonCents: masked, costPerInquiryCents: masked, planSpendCents: masked, wins: 3 });
    expect(seen.target.targetCents).toBe(masked);
    expect(seen.facts).toBeNull();
    const sales = callerAs(handle.db, await createTestUser(handle.db, { role: 'sales' }));
    const salesView = await sales.plan.get(typed);
    expect(salesView.plan.gapCents).toBe(13_500);
    expect(salesView.plan.sources[0]!.costPerInquiryCents).toBe(masked);
    // Spend stays masked in the facts too; the page's what-if reads it as none.
    expect(salesView.facts!.sources.map((s) => s.spendCents)).toEqual([masked, masked]);
    await expect(callerAs(handle.db, null).plan.get(typed)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('refuses a plan outside its period or for a target that is not revenue', async () => {
    const admin = callerAs(handle.db, await createTestUser(handle.db, { role: 'admin' }));
    await expect(admin.plan.get({ ...typed, periodStart: '2026-05-01' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const leads = await admin.kpis.create({ name: 'Leads', metric: 'leads', periodKind: 'month', periodStart: '2026-06-01', targetValue: 10, accountable: 'marketing' });
    await expect(admin.plan.get({ targetId: leads.id, asOf })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'A plan is made for a target on won revenue.' });
    await admin.kpis.delete({ id: leads.id });
  });
});

describe('plan.makeTargets', () => {
  it('makes the lines KPI targets with the revenue target RACI, each role only its own', async () => {
    const executive = callerAs(handle.db, await createTestUser(handle.db, { role: 'executive' }));
    const revenue = await executive.kpis.create({
      name: 'June revenue',
      metric: 'won_revenue',
      periodKind: 'month',
      periodStart: '2026-06-01',
      targetValue: 20_000,
      accountable: 'sales',
      responsible: ['marketing'],
    });
    expect((await executive.plan.targets()).map((t) => t.name)).toEqual(['June revenue']);

    const marketing = callerAs(handle.db, await createTestUser(handle.db, { role: 'marketing' }));
    const made = await marketing.plan.makeTargets({ targetId: revenue.id, asOf });
    expect(made.created.map((t) => [t.metric, t.accountable])).toEqual([['leads', 'marketing']]);
    expect(made.skipped.map((t) => [t.metric, t.accountable])).toEqual([
      ['qualified_leads', 'sales'],
      ['won_deals', 'sales'],
      ['onboarding_starts', 'operations'],
    ]);
    const listed = await executive.kpis.list({ periodStart: '2026-06-01', asOf });
    const leadsTarget = listed.find((s) => s.target.metric === 'leads')!.target;
    // 0 so far + 25.2 planned, rounded up; sales (the revenue target's accountable) is consulted.
    expect(leadsTarget).toMatchObject({ name: 'Plan: Leads (inquiries) for June revenue', targetValue: 26, accountable: 'marketing', responsible: [], consulted: ['sales'], informed: [] });

    // The executive sets the rest; the leads target is updated, not duplicated. Wins: 1 + 5.25 -> 7.
    const all = await executive.plan.makeTargets({ targetId: revenue.id, asOf });
    expect(all.updated.map((t) => t.metric)).toEqual(['leads']);
    expect(all.created.map((t) => [t.metric, t.accountable])).toEqual([
      ['qualified_leads', 'sales'],
      ['won_deals', 'sales'],
      ['onboarding_starts', 'operations'],
    ]);
    const after = await executive.kpis.list({ periodStart: '2026-06-01', asOf });
    expect(after.filter((s) => s.target.name.startsWith('Plan:')).map((s) => [s.target.metric, s.target.targetValue])).toEqual([
      ['leads', 26],
      ['onboarding_starts', 6],
      ['qualified_leads', 18],
      ['won_deals', 7],
    ]);
    // The owners now come from the targets.
    const { lines } = await executive.plan.get({ targetId: revenue.id, asOf });
    expect(lines.every((l) => l.ownerTarget !== null)).toBe(true);

    const viewer = callerAs(handle.db, await createTestUser(handle.db, { role: 'viewer' }));
    await expect(viewer.plan.makeTargets({ targetId: revenue.id, asOf })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
