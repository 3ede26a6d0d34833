// The plan's math on hand-built facts. The period is June 2026, [Mon 2026-06-01, Wed 2026-07-01);
// the plan is made on Wed 2026-06-10 (ISO week 2026-W24), so its weeks are W24 (from Jun 10, 21
// days left), W25 (Jun 15, 16 days), W26 (Jun 22, 9 days) and W27 (Jun 29, 2 days).
import { describe, expect, it } from 'vitest';
import { makePlan, planWeeks, scoreBacktest, trackPlan, type PlanFacts, type SourceFacts } from './planMath';

const at = (iso: string) => new Date(iso).getTime();
const round = (x: number | null) => (x === null ? null : Math.round(x * 1e6) / 1e6);

// ads: 100 inquiries, 40 qualified (q 0.4), 10 wins (r 0.1) of 1,000 cents each (A 1,000), won
// 1, 5, 5, 10, 10, 10, 20, 20, 30 and 40 days after the inquiry: F(21) = 0.8, F(16) = 0.6,
// F(9) = 0.3, F(2) = 0.1; spend 50,000 (500 an inquiry).
// email: 20 inquiries (a small sample), 10 qualified, no win, no spend.
// Mix: ads 100/120 = 5/6, email 1/6.
const ads: SourceFacts = {
  source: 'ads',
  inquiries: 100,
  qualified: 40,
  wins: 10,
  wonCents: 10_000,
  winDays: [1, 5, 5, 10, 10, 10, 20, 20, 30, 40],
  spendCents: 50_000,
};
const email: SourceFacts = { source: 'email', inquiries: 20, qualified: 10, wins: 0, wonCents: 0, winDays: [], spendCents: 0 };

// T 100,000; W 20,000; the pipeline brings 10,000 + 5,000 + 5,000 + 0 = 20,000: G = 60,000.
const facts: PlanFacts = {
  targetCents: 100_000,
  start: at('2026-06-01T00:00:00Z'),
  end: at('2026-07-01T00:00:00Z'),
  now: at('2026-06-10T00:00:00Z'),
  wonSoFarCents: 20_000,
  sources: [ads, email],
  pipeline: [
    { week: '2026-W24', wins: 1, cents: 10_000, starts: 0 },
    { week: '2026-W25', wins: 0.5, cents: 5_000, starts: 1 },
    { week: '2026-W26', wins: 0.5, cents: 5_000, starts: 0.5 },
    { week: '2026-W27', wins: 0, cents: 0, starts: 0.5 },
  ],
  onboardingLagDays: null,
};

describe('planWeeks', () => {
  it('runs from the week of now to the week of the end, the current week from now', () => {
    expect(planWeeks(facts.now, facts.end).map((w) => [w.week, new Date(w.from).toISOString().slice(0, 10), new Date(w.to).toISOString().slice(0, 10)])).toEqual([
      ['2026-W24', '2026-06-10', '2026-06-15'],
      ['2026-W25', '2026-06-15', '2026-06-22'],
      ['2026-W26', '2026-06-22', '2026-06-29'],
      ['2026-W27', '2026-06-29', '2026-07-01'],
    ]);
    // An end on a Monday does not open the week it starts.
    expect(planWeeks(at('2026-06-01T00:00:00Z'), at('2026-06-15T00:00:00Z')).map((w) => w.week)).toEqual(['2026-W23', '2026-W24']);
  });
});

describe('makePlan: a gap that needs new inquiries', () => {
  const plan = makePlan(facts);

  it('finds the gap and the inquiries a week that close it', () => {
    // One inquiry a week in the mix brings 5/6 x 0.1 x 1,000 x (0.8 + 0.6 + 0.3 + 0.1) = 150 by the end
    // (email is worth 0); k = 60,000 / 150 = 400.
    expect(plan).toMatchObject({ targetCents: 100_000, wonSoFarCents: 20_000, pipelineCents: 20_000, gapCents: 60_000, outcome: 'needs_inquiries' });
    expect(round(plan.inquiriesPerWeek)).toBe(400);
  });

  it('asks each week for inquiries, qualified leads, wins and revenue', () => {
    // inquiries 400; qualified 400 x (5/6 x 0.4 + 1/6 x 0.5) = 166.666667;
    // wins 400 x 5/6 x 0.1 x F = 33.333333 x (0.8, 0.6, 0.3, 0.1); revenue = wins x 1,000.
    expect(plan.weeks.map((w) => [w.week, round(w.inquiries), round(w.qualified), round(w.wins), round(w.revenueCents), round(w.daysLeft)])).toEqual([
      ['2026-W24', 400, 166.666667, 26.666667, 26_666.666667, 21],
      ['2026-W25', 400, 166.666667, 20, 20_000, 16],
      ['2026-W26', 400, 166.666667, 10, 10_000, 9],
      ['2026-W27', 400, 166.666667, 3.333333, 3_333.333333, 2],
    ]);
    expect(plan.weeks[0]!.bySource.map((s) => [s.source, round(s.inquiries), round(s.qualified), round(s.wins), round(s.revenueCents)])).toEqual([
      ['ads', 333.333333, 133.333333, 26.666667, 26_666.666667],
      ['email', 66.666667, 33.333333, 0, 0],
    ]);
    // The new revenue is exactly the gap.
    expect(round(plan.totals.revenueCents)).toBe(60_000);
    expect(plan.totals).toMatchObject({ pipelineWins: 2 });
    expect([round(plan.totals.inquiries), round(plan.totals.qualified), round(plan.totals.wins)]).toEqual([1_600, 666.666667, 60]);
  });

  it('places the new wins in the weeks they close, and onboarding starts without a lag when none is known', () => {
    // Per inquiry week (400 x 5/6 x 0.1 = 33.333333 ads wins per unit share):
    // from W24 (u Jun 10): d < 5 closes in W24 (1/10), [5, 12) in W25 (5/10), [19, 21] in W27 (2/10);
    // from W25 (Jun 15): [0, 7) in W25 (3/10), [7, 14) in W26 (3/10); from W26: [0, 7) in W26 (3/10);
    // from W27: d <= 2 (1/10). Closing: 3.333333, 26.666667, 20, 10.
    expect(plan.weeks.map((w) => round(w.newWinsClosing))).toEqual([3.333333, 26.666667, 20, 10]);
    expect(plan.weeks.map((w) => round(w.onboardingStarts))).toEqual([3.333333, 27.666667, 20.5, 10.5]);
    expect(plan.notes).toContain('No onboarding has started after a win yet: onboarding starts are the wins, not shifted by a lag.');
  });

  it('shifts the new wins by the onboarding lag', () => {
    const lagged = makePlan({ ...facts, onboardingLagDays: 7 });
    // A week later: W24 gets none of the new wins, W25 W24's closes, and so on; W27's closes fall after the plan.
    expect(lagged.weeks.map((w) => round(w.onboardingStarts))).toEqual([0, 4.333333, 27.166667, 20.5]);
  });

  it('shows each source with its sample, rates and cost, and "n/a" (null) for a source without a win', () => {
    const [adsLine, emailLine] = plan.sources;
    expect(adsLine).toMatchObject({
      source: 'ads',
      inquiries: 100,
      mix: 5 / 6,
      qualificationRate: 0.4,
      winRate: 0.1,
      meanWonCents: 1_000,
      medianDaysToWin: 10,
      smallSample: false,
      smallWinSample: true,
      costPerInquiryCents: 500,
    });
    // Made now, an inquiry has 21 days: 0.1 x 1,000 x 0.8 = 80.
    expect(round(adsLine!.valuePerInquiryCents)).toBe(80);
    expect(round(adsLine!.planInquiries)).toBe(1_333.333333);
    expect(round(adsLine!.planSpendCents)).toBe(666_666.666667);
    expect(emailLine).toMatchObject({
      source: 'email',
      winRate: 0,
      meanWonCents: null,
      medianDaysToWin: null,
      valuePerInquiryCents: 0,
      smallSample: true,
      planWins: 0,
      planRevenueCents: 0,
      costPerInquiryCents: 0,
    });
    expect(plan.notes).toContain('Small sample (fewer than 30 inquiries in the window): email.');
    expect(round(plan.totals.spendCents)).toBe(666_666.666667);
  });
});

describe('makePlan: nothing new needed, or nothing new possible', () => {
  it('asks for nothing when the target is already met', () => {
    const plan = makePlan({ ...facts, wonSoFarCents: 120_000 });
    expect(plan).toMatchObject({ outcome: 'met', gapCents: 0, inquiriesPerWeek: 0 });
    expect(plan.totals).toMatchObject({ inquiries: 0, qualified: 0, wins: 0, revenueCents: 0, pipelineWins: 2, spendCents: 0 });
  });

  it('asks for nothing new when the pipeline closes the gap', () => {
    // T - W = 20,000, and the pipeline is expected to bring 20,000.
    const plan = makePlan({ ...facts, targetCents: 40_000 });
    expect(plan).toMatchObject({ outcome: 'pipeline_covers', gapCents: 0, inquiriesPerWeek: 0 });
    expect(plan.weeks.map((w) => w.inquiries)).toEqual([0, 0, 0, 0]);
    // Operations still gets the pipeline's starts.
    expect(plan.weeks.map((w) => w.onboardingStarts)).toEqual([0, 1, 0.5, 0.5]);
  });

  it('says so, instead of asking for impossible volume, when new inquiries cannot close in time', () => {
    // Made Tue Jun 30 12:00: half a day left; the fastest win took 1 day, F(0.5) = 0.
    const late = makePlan({
      ...facts,
      now: at('2026-06-30T12:00:00Z'),
      pipeline: [{ week: '2026-W27', wins: 1, cents: 10_000, starts: 0 }],
    });
    expect(late).toMatchObject({ outcome: 'cannot_close_in_time', gapCents: 70_000, inquiriesPerWeek: null });
    expect(late.weeks).toHaveLength(1);
    expect(late.weeks[0]).toMatchObject({ inquiries: null, wins: null, revenueCents: null, onboardingStarts: null, pipelineWins: 1 });
    expect(late.totals).toMatchObject({ inquiries: null, wins: null, spendCents: null, pipelineWins: 1 });
    expect(late.notes[0]).toBe('New inquiries cannot close in time: 0.5 days left, and the fastest win in the window took 1 days from inquiry.');
  });

  it('divides by nothing when no source has a win', () => {
    const plan = makePlan({ ...facts, sources: [email] });
    expect(plan).toMatchObject({ outcome: 'cannot_close_in_time', inquiriesPerWeek: null });
    expect(plan.notes[0]).toBe('New inquiries cannot close the gap: no inquiry of the window was won (or none with an amount).');
    expect(plan.sources[0]).toMatchObject({ winRate: 0, meanWonCents: null, planWins: null });
    const empty = makePlan({ ...facts, sources: [] });
    expect(empty.notes).toContain('No inquiry falls in the window: there are no rates to plan with.');
    expect(JSON.stringify([plan, empty])).not.toMatch(/NaN|Infinity/);
  });
});

describe('makePlan: what-if', () => {
  it('slower deals need more inquiries', () => {
    // Durations doubled: F(21) = share <= 10.5 = 0.6, F(16) = <= 8: 0.3, F(9) = <= 4.5: 0.1, F(2) = <= 1: 0.1.
    // 5/6 x 100 x 1.1 = 91.666667; k = 60,000 / 91.666667 = 654.545455.
    expect(round(makePlan(facts, { velocityFactor: 2 }).inquiriesPerWeek)).toBe(654.545455);
  });

  it('better conversion needs fewer', () => {
    // Win rate x 1.5: 150 x 1.5 = 225 -> k = 266.666667.
    expect(round(makePlan(facts, { winFactor: 1.5 }).inquiriesPerWeek)).toBe(266.666667);
    // Qualification x 2: ads q 0.8 and r 0.2 -> 300 -> k = 200; email q capped at 1.
    const qualified = makePlan(facts, { qualificationFactor: 2 });
    expect(round(qualified.inquiriesPerWeek)).toBe(200);
    expect(round(qualified.weeks[0]!.qualified)).toBe(round(200 * (5 / 6) * 0.8 + 200 * (1 / 6) * 1));
  });

  it('moves the mix', () => {
    // Everything into ads: 1 x 100 x 1.8 = 180 -> k = 333.333333.
    const plan = makePlan(facts, { mix: { ads: 1 } });
    expect(round(plan.inquiriesPerWeek)).toBe(333.333333);
    expect(plan.sources.map((s) => [s.source, s.mix])).toEqual([
      ['ads', 1],
      ['email', 0],
    ]);
  });

  it('says what a budget buys', () => {
    // One inquiry in the mix costs 5/6 x 500 = 416.666667; 400,000 buys 960, 240 a week over 4 weeks,
    // bringing 240 x 150 = 36,000 of the 60,000.
    const plan = makePlan(facts, { budgetCents: 400_000 });
    const budget = plan.budget!;
    expect([budget.budgetCents, round(budget.inquiriesPerWeek), round(budget.revenueCents), round(budget.shortfallCents)]).toEqual([400_000, 240, 36_000, 24_000]);
    expect(makePlan(facts, { budgetCents: 400_000, mix: { email: 1 } }).budget).toEqual({
      budgetCents: 400_000,
      inquiriesPerWeek: null,
      revenueCents: null,
      shortfallCents: null,
    });
  });
});

describe('trackPlan and scoreBacktest', () => {
  it('calls a week on track while every line to date is at or above its plan', () => {
    const plan = makePlan(facts);
    const tracked = trackPlan(plan, [
      // W24 plans 400 inquiries, 166.67 qualified, 3.33 + 1 wins closing.
      { week: '2026-W24', inquiries: 400, qualified: 170, wins: 5, revenueCents: 5_000, onboardingStarts: 2 },
      // W25: 700 inquiries to date against 800.
      { week: '2026-W25', inquiries: 300, qualified: 200, wins: 40, revenueCents: 40_000, onboardingStarts: 2 },
    ]);
    expect(tracked.map((t) => [t.week, t.status, round(t.plannedWins), t.actualWins])).toEqual([
      ['2026-W24', 'on_track', 4.333333, 5],
      ['2026-W25', 'behind', 27.166667, 40],
    ]);
  });

  it('scores the wins a past plan called for against the wins that came', () => {
    const plan = makePlan(facts);
    // Called for: 60 new + 2 from the pipeline = 62; 50 came: |62 - 50| / 50 = 0.24.
    const scored = scoreBacktest(plan, facts, { wins: 50, inquiries: 1_000 });
    expect(scored).toMatchObject({ actualWins: 50, actualInquiries: 1_000, madeAt: '2026-06-10T00:00:00.000Z' });
    expect(round(scored.predictedWins)).toBe(62);
    expect(round(scored.absolutePercentageError)).toBe(0.24);
    expect(scoreBacktest(plan, facts, { wins: 0, inquiries: 0 }).absolutePercentageError).toBeNull();
  });
});
