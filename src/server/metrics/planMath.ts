// Planning backwards from a revenue target, as pure math: what is won, what the open pipeline is
// expected to bring, and what new inquiries (per ISO week and source) it takes to close the rest.
// The same function runs on the server (the plan, its backtest) and in the browser (what-if).
import { addWeeks, isoWeekOf, isoWeekStart } from '~/lib/isoWeek';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** A rate from fewer journeys than this is flagged "small sample". */
export const SMALL_SAMPLE = 30;
export const DEFAULT_WINDOW_DAYS = 365;

/** What the trailing window says about one source: the journeys whose inquiry falls in it. */
export interface SourceFacts {
  source: string;
  inquiries: number;
  /** of those, qualified by the time the plan is made */
  qualified: number;
  /** of those, won by the time the plan is made */
  wins: number;
  /** the won amounts of those wins, summed */
  wonCents: number;
  /** inquiry -> win days of those wins, ascending (one entry per win) */
  winDays: readonly number[];
  /** campaign spend of the source's channel over the window */
  spendCents: number;
}

/** The open pipeline's expectation in one plan week, clipped to [now, end). */
export interface PipelineWeek {
  week: string;
  wins: number;
  cents: number;
  /** expected onboarding starts in the week (closes shifted by the onboarding lag) */
  starts: number;
}

/** Everything the plan is made from; times in epoch milliseconds. */
export interface PlanFacts {
  targetCents: number;
  /** the period [start, end) */
  start: number;
  end: number;
  /** when the plan is made; start <= now < end */
  now: number;
  /** W: won revenue in [start, now) */
  wonSoFarCents: number;
  sources: readonly SourceFacts[];
  /** one entry per plan week (see planWeeks), same order */
  pipeline: readonly PipelineWeek[];
  /** median days from won to onboarding started; null: none yet (starts are not shifted) */
  onboardingLagDays: number | null;
}

/** Changes to try against the baseline; everything absent stays as measured. */
export interface WhatIf {
  /** multiplies each source's inquiry -> qualification rate (the win rate follows it) */
  qualificationFactor?: number;
  /** multiplies each source's qualified -> win rate */
  winFactor?: number;
  /** multiplies every inquiry -> win duration (1.2: deals take 20% longer) */
  velocityFactor?: number;
  /** source -> weight of the inquiry mix, normalised; a source not named gets none */
  mix?: Readonly<Record<string, number>>;
  /** money to spend on new inquiries over the rest of the period, at each source's cost per inquiry */
  budgetCents?: number;
}

export type PlanOutcome =
  /** W >= T */
  | 'met'
  /** W + P >= T: the plan asks for nothing new */
  | 'pipeline_covers'
  /** the gap needs new inquiries, and they can close it in time */
  | 'needs_inquiries'
  /** the gap needs new inquiries, but none made from now can be won before the end */
  | 'cannot_close_in_time';

export interface PlanSourceWeek {
  source: string;
  inquiries: number | null;
  qualified: number | null;
  wins: number | null;
  revenueCents: number | null;
}

export interface PlanWeek {
  week: string;
  /** ISO date of the Monday */
  weekStart: string;
  /** when inquiries of the week are made: now for the current week, else the Monday (ISO) */
  from: string;
  /** the end of the week or of the period, whichever comes first (ISO) */
  to: string;
  /** days from `from` to the period end */
  daysLeft: number;
  /** new inquiries asked of the week (null: they cannot close the gap in time) */
  inquiries: number | null;
  qualified: number | null;
  /** wins, by the period end, of the week's new inquiries */
  wins: number | null;
  revenueCents: number | null;
  /** wins of new inquiries of any week that close in this week */
  newWinsClosing: number | null;
  pipelineWins: number;
  pipelineCents: number;
  /** onboarding starts: pipeline and new wins, shifted by the median lag */
  onboardingStarts: number | null;
  bySource: PlanSourceWeek[];
}

export interface PlanSource {
  source: string;
  /** the window's journeys of the source: the sample behind its rates */
  inquiries: number;
  qualified: number;
  wins: number;
  /** the plan's share of inquiries (the window's, or the what-if's) */
  mix: number;
  qualificationRate: number | null;
  winRate: number | null;
  meanWonCents: number | null;
  medianDaysToWin: number | null;
  /** fewer than SMALL_SAMPLE journeys behind the rates */
  smallSample: boolean;
  /** fewer than SMALL_SAMPLE wins behind the velocity and the amount */
  smallWinSample: boolean;
  costPerInquiryCents: number | null;
  /** what one inquiry made now is worth by the end: r x A x F(end - now) */
  valuePerInquiryCents: number | null;
  planInquiries: number | null;
  planQualified: number | null;
  planWins: number | null;
  planRevenueCents: number | null;
  planSpendCents: number | null;
}

export interface PlanBudget {
  budgetCents: number;
  /** inquiries per week the budget buys in the mix; null when no source has a cost */
  inquiriesPerWeek: number | null;
  revenueCents: number | null;
  /** gap left after the budget's inquiries (0: covered) */
  shortfallCents: number | null;
}

export interface Plan {
  targetCents: number;
  wonSoFarCents: number;
  pipelineCents: number;
  /** G = max(0, T - W - P) */
  gapCents: number;
  outcome: PlanOutcome;
  /** k; 0 when nothing new is needed, null when new inquiries cannot close in time */
  inquiriesPerWeek: number | null;
  weeks: PlanWeek[];
  sources: PlanSource[];
  totals: {
    inquiries: number | null;
    qualified: number | null;
    wins: number | null;
    revenueCents: number | null;
    pipelineWins: number;
    onboardingStarts: number | null;
    spendCents: number | null;
  };
  budget: PlanBudget | null;
  /** plain sentences: why new inquiries cannot close, thin samples, missing lag */
  notes: string[];
}

/** The ISO weeks a plan made at `now` spreads inquiries over: now's week to the week of the end. */
export function planWeeks(now: number, end: number): { week: string; from: number; to: number; monday: number }[] {
  const out: { week: string; from: number; to: number; monday: number }[] = [];
  const last = isoWeekOf(new Date(end - 1));
  for (let week = isoWeekOf(new Date(now)); ; week = addWeeks(week, 1)) {
    const monday = isoWeekStart(week).getTime();
    out.push({ week, monday, from: Math.max(now, monday), to: Math.min(end, monday + WEEK_MS) });
    if (week === last || monday + WEEK_MS >= end) break;
  }
  return out;
}

/** In an ascending list, how many values are < x (or <= x when `inclusive`). */
function countBelow(sorted: readonly number[], x: number, inclusive: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (inclusive ? v <= x : v < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function medianOf(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const times = (k: number | null, x: number) => (k === null ? null : k * x);

/** The source's rates after the what-if. */
function sourceModel(s: SourceFacts, whatIf: WhatIf) {
  const qualificationRate = s.inquiries === 0 ? null : s.qualified / s.inquiries;
  const winRate = s.inquiries === 0 ? null : s.wins / s.inquiries;
  const fq = whatIf.qualificationFactor ?? 1;
  const fw = whatIf.winFactor ?? 1;
  // Every win was qualified first, so the win rate never exceeds the qualification rate.
  const q = qualificationRate === null ? null : Math.min(1, qualificationRate * fq);
  const r = winRate === null || q === null ? null : Math.min(q, winRate * fq * fw);
  const meanWonCents = s.wins === 0 ? null : s.wonCents / s.wins;
  const velocity = whatIf.velocityFactor ?? 1;
  /** F(t): the share of wins within t days of their inquiry, durations scaled by the what-if. */
  const withinDays = (t: number) => (s.winDays.length === 0 || t < 0 ? 0 : countBelow(s.winDays, t / velocity, true) / s.winDays.length);
  /** wins share with duration in [lo, hi) and <= cap days */
  const between = (lo: number, hi: number, cap: number) => {
    if (s.winDays.length === 0) return 0;
    const upper = Math.min(countBelow(s.winDays, hi / velocity, false), countBelow(s.winDays, cap / velocity, true));
    return Math.max(0, upper - countBelow(s.winDays, lo / velocity, false)) / s.winDays.length;
  };
  return { qualificationRate, winRate, q, r, meanWonCents, withinDays, between };
}

/**
 * The plan for `facts.targetCents` over [start, end) made at `now`, with a what-if applied.
 * Steps (PRODUCT.md, "Plan backwards from a revenue target"):
 * - G = max(0, T - W - P); P is the pipeline's expected revenue by the end.
 * - per source: r = wins / inquiries, A = mean won amount, F = the share of inquiry -> win days
 *   at or below t, mix m = the source's share of the window's inquiries;
 *   a new inquiry made at u is worth v(u) = r x A x F(end - u).
 * - k inquiries a week over the plan weeks (u = now for the current week, else the Monday) bring
 *   sum_w sum_s k x m x v(u); k = G / that sum, none when the sum is 0.
 * - per week and source: inquiries k m, qualified k m q, wins k m r F(end - u), revenue wins x A;
 *   onboarding starts: the pipeline's and the new wins' close times shifted by the median lag.
 */
export function makePlan(facts: PlanFacts, whatIf: WhatIf = {}): Plan {
  const { end, now } = facts;
  const weeks = planWeeks(now, end);
  if (facts.pipeline.length !== weeks.length) throw new RangeError(`the pipeline has ${facts.pipeline.length} weeks, the plan ${weeks.length}`);
  const notes: string[] = [];

  const totalInquiries = facts.sources.reduce((sum, s) => sum + s.inquiries, 0);
  const mixWeights = facts.sources.map((s) => (whatIf.mix ? Math.max(0, whatIf.mix[s.source] ?? 0) : s.inquiries));
  const mixTotal = mixWeights.reduce((a, b) => a + b, 0);
  const sources = facts.sources.map((s, i) => ({ facts: s, mix: mixTotal === 0 ? 0 : mixWeights[i]! / mixTotal, model: sourceModel(s, whatIf) }));

  const pipelineCents = facts.pipeline.reduce((sum, w) => sum + w.cents, 0);
  const gapCents = Math.max(0, facts.targetCents - facts.wonSoFarCents - pipelineCents);

  /** sum over weeks and sources of m x v(u): what one inquiry a week brings by the end */
  const daysLeft = (u: number) => (end - u) / DAY_MS;
  let perWeeklyInquiry = 0;
  for (const w of weeks) {
    for (const s of sources) {
      if (s.mix === 0 || s.model.r === null || s.model.meanWonCents === null) continue;
      perWeeklyInquiry += s.mix * s.model.r * s.model.meanWonCents * s.model.withinDays(daysLeft(w.from));
    }
  }

  let outcome: PlanOutcome;
  let k: number | null;
  if (facts.wonSoFarCents >= facts.targetCents) {
    outcome = 'met';
    k = 0;
  } else if (gapCents === 0) {
    outcome = 'pipeline_covers';
    k = 0;
  } else if (perWeeklyInquiry > 0) {
    outcome = 'needs_inquiries';
    k = gapCents / perWeeklyInquiry;
  } else {
    outcome = 'cannot_close_in_time';
    k = null;
    notes.push(cannotCloseReason(facts, sources.map((s) => s.facts), daysLeft(now)));
  }

  const lag = facts.onboardingLagDays;
  if (lag === null) notes.push('No onboarding has started after a win yet: onboarding starts are the wins, not shifted by a lag.');
  const lagDays = lag ?? 0;

  const planWeekRows: PlanWeek[] = weeks.map((w, i) => {
    const left = daysLeft(w.from);
    const bySource = sources.map((s): PlanSourceWeek => {
      const inquiries = times(k, s.mix);
      const wins = s.model.r === null ? times(k, 0) : times(k, s.mix * s.model.r * s.model.withinDays(left));
      return {
        source: s.facts.source,
        inquiries,
        qualified: times(k, s.mix * (s.model.q ?? 0)),
        wins,
        revenueCents: wins === null ? null : s.model.meanWonCents === null ? 0 : wins * s.model.meanWonCents,
      };
    });
    // New wins closing in this week, and starting onboarding in it, from the inquiries of every week.
    let closing = 0;
    let starting = 0;
    for (const from of weeks) {
      if (from.monday > w.monday) break;
      const offset = (x: number) => (x - from.from) / DAY_MS;
      for (const s of sources) {
        if (s.mix === 0 || s.model.r === null || s.model.r === 0) continue;
        const cap = daysLeft(from.from);
        closing += s.mix * s.model.r * s.model.between(offset(w.monday), offset(w.monday + WEEK_MS), cap);
        starting += s.mix * s.model.r * s.model.between(offset(w.monday) - lagDays, offset(w.monday + WEEK_MS) - lagDays, cap);
      }
    }
    const pipeline = facts.pipeline[i]!;
    return {
      week: w.week,
      weekStart: new Date(w.monday).toISOString().slice(0, 10),
      from: new Date(w.from).toISOString(),
      to: new Date(w.to).toISOString(),
      daysLeft: left,
      inquiries: k,
      qualified: sumOrNull(bySource.map((b) => b.qualified)),
      wins: sumOrNull(bySource.map((b) => b.wins)),
      revenueCents: sumOrNull(bySource.map((b) => b.revenueCents)),
      newWinsClosing: times(k, closing),
      pipelineWins: pipeline.wins,
      pipelineCents: pipeline.cents,
      onboardingStarts: k === null ? null : pipeline.starts + k * starting,
      bySource,
    };
  });

  const planSources: PlanSource[] = sources.map((s, index) => {
    const perSource = planWeekRows.map((w) => w.bySource[index]!);
    const planInquiries = sumOrNull(perSource.map((b) => b.inquiries));
    const costPerInquiryCents = s.facts.inquiries === 0 ? null : s.facts.spendCents / s.facts.inquiries;
    const value =
      s.model.r === null ? null : s.model.meanWonCents === null ? 0 : s.model.r * s.model.meanWonCents * s.model.withinDays(daysLeft(now));
    return {
      source: s.facts.source,
      inquiries: s.facts.inquiries,
      qualified: s.facts.qualified,
      wins: s.facts.wins,
      mix: s.mix,
      qualificationRate: s.model.qualificationRate,
      winRate: s.model.winRate,
      meanWonCents: s.model.meanWonCents,
      medianDaysToWin: medianOf(s.facts.winDays),
      smallSample: s.facts.inquiries < SMALL_SAMPLE,
      smallWinSample: s.facts.wins < SMALL_SAMPLE,
      costPerInquiryCents,
      valuePerInquiryCents: value,
      planInquiries,
      planQualified: sumOrNull(perSource.map((b) => b.qualified)),
      planWins: sumOrNull(perSource.map((b) => b.wins)),
      planRevenueCents: sumOrNull(perSource.map((b) => b.revenueCents)),
      planSpendCents: planInquiries === null || costPerInquiryCents === null ? null : planInquiries * costPerInquiryCents,
    };
  });

  const thin = planSources.filter((s) => s.mix > 0 && s.smallSample).map((s) => s.source);
  if (thin.length > 0) notes.push(`Small sample (fewer than ${SMALL_SAMPLE} inquiries in the window): ${thin.join(', ')}.`);
  if (totalInquiries === 0) notes.push('No inquiry falls in the window: there are no rates to plan with.');

  const spendCents = k === null ? null : planSources.reduce((sum, s) => sum + (s.planSpendCents ?? 0), 0);
  return {
    targetCents: facts.targetCents,
    wonSoFarCents: facts.wonSoFarCents,
    pipelineCents,
    gapCents,
    outcome,
    inquiriesPerWeek: k,
    weeks: planWeekRows,
    sources: planSources,
    totals: {
      inquiries: sumOrNull(planWeekRows.map((w) => w.inquiries)),
      qualified: sumOrNull(planWeekRows.map((w) => w.qualified)),
      wins: sumOrNull(planWeekRows.map((w) => w.wins)),
      revenueCents: sumOrNull(planWeekRows.map((w) => w.revenueCents)),
      pipelineWins: planWeekRows.reduce((sum, w) => sum + w.pipelineWins, 0),
      onboardingStarts: sumOrNull(planWeekRows.map((w) => w.onboardingStarts)),
      spendCents,
    },
    budget: whatIf.budgetCents === undefined ? null : budgetOutcome(whatIf.budgetCents, sources, weeks.length, perWeeklyInquiry, gapCents),
    notes,
  };
}

function sumOrNull(values: readonly (number | null)[]): number | null {
  let sum = 0;
  for (const v of values) {
    if (v === null) return null;
    sum += v;
  }
  return sum;
}

/** What a budget buys: inquiries in the mix at each source's cost per inquiry, and what they bring. */
function budgetOutcome(
  budgetCents: number,
  sources: readonly { facts: SourceFacts; mix: number }[],
  weekCount: number,
  perWeeklyInquiry: number,
  gapCents: number,
): PlanBudget {
  // One inquiry in the mix costs sum m x c; sources without spend cost nothing.
  const costPerMixedInquiry = sources.reduce((sum, s) => sum + (s.facts.inquiries === 0 ? 0 : (s.mix * s.facts.spendCents) / s.facts.inquiries), 0);
  if (costPerMixedInquiry === 0) return { budgetCents, inquiriesPerWeek: null, revenueCents: null, shortfallCents: null };
  const inquiriesPerWeek = budgetCents / costPerMixedInquiry / weekCount;
  const revenueCents = inquiriesPerWeek * perWeeklyInquiry;
  return { budgetCents, inquiriesPerWeek, revenueCents, shortfallCents: Math.max(0, gapCents - revenueCents) };
}

function cannotCloseReason(facts: PlanFacts, sources: readonly SourceFacts[], daysLeft: number): string {
  if (sources.every((s) => s.inquiries === 0)) return 'New inquiries cannot close the gap: no inquiry falls in the window to learn rates from.';
  if (sources.every((s) => s.wins === 0 || s.wonCents === 0)) return 'New inquiries cannot close the gap: no inquiry of the window was won (or none with an amount).';
  const fastest = Math.min(...sources.flatMap((s) => (s.winDays.length > 0 ? [s.winDays[0]!] : [])));
  return `New inquiries cannot close in time: ${formatDays(daysLeft)} left, and the fastest win in the window took ${formatDays(fastest)} from inquiry.`;
}

const formatDays = (days: number) => `${Math.round(days * 10) / 10} days`;

export interface PlanWeekActual {
  week: string;
  inquiries: number;
  qualified: number;
  wins: number;
  revenueCents: number;
  onboardingStarts: number;
}

export interface PlanTrackingWeek {
  week: string;
  plannedInquiries: number | null;
  actualInquiries: number;
  plannedQualified: number | null;
  actualQualified: number;
  /** planned wins closing in the week: the pipeline's and the new inquiries' */
  plannedWins: number | null;
  actualWins: number;
  plannedStarts: number | null;
  actualStarts: number;
  /** every line's actual to date at or above its plan to date */
  status: 'on_track' | 'behind' | 'no_plan';
}

/**
 * A plan made at the period start against the weeks that have passed: on track while, for
 * inquiries, qualified leads and wins, the actual to date is at least the plan to date.
 */
export function trackPlan(plan: Plan, actuals: readonly PlanWeekActual[]): PlanTrackingWeek[] {
  const byWeek = new Map(actuals.map((a) => [a.week, a]));
  const cumulative = { pi: 0, ai: 0, pq: 0, aq: 0, pw: 0, aw: 0 };
  const out: PlanTrackingWeek[] = [];
  for (const w of plan.weeks) {
    const a = byWeek.get(w.week);
    if (!a) continue;
    const plannedWins = w.newWinsClosing === null ? null : w.newWinsClosing + w.pipelineWins;
    let status: PlanTrackingWeek['status'] = 'no_plan';
    if (w.inquiries !== null && w.qualified !== null && plannedWins !== null) {
      cumulative.pi += w.inquiries;
      cumulative.ai += a.inquiries;
      cumulative.pq += w.qualified;
      cumulative.aq += a.qualified;
      cumulative.pw += plannedWins;
      cumulative.aw += a.wins;
      // A hair of tolerance, so that a plan met exactly is not called behind by rounding.
      const met = (actual: number, planned: number) => actual + 1e-9 >= planned;
      status = met(cumulative.ai, cumulative.pi) && met(cumulative.aq, cumulative.pq) && met(cumulative.aw, cumulative.pw) ? 'on_track' : 'behind';
    }
    out.push({
      week: w.week,
      plannedInquiries: w.inquiries,
      actualInquiries: a.inquiries,
      plannedQualified: w.qualified,
      actualQualified: a.qualified,
      plannedWins,
      actualWins: a.wins,
      plannedStarts: w.onboardingStarts,
      actualStarts: a.onboardingStarts,
      status,
    });
  }
  return out;
}

export interface PlanBacktest {
  madeAt: string;
  periodStart: string;
  periodEnd: string;
  /** the revenue actually won in the period: the target the backtest plans for */
  targetCents: number;
  outcome: PlanOutcome;
  /** wins the plan called for in [madeAt, end): the pipeline's and the new inquiries' */
  predictedWins: number | null;
  actualWins: number;
  /** |predicted - actual| / actual; null when nothing was won */
  absolutePercentageError: number | null;
  predictedInquiries: number | null;
  actualInquiries: number;
}

/** The plan made at a past date against what came: wins called for against wins won. */
export function scoreBacktest(plan: Plan, facts: Pick<PlanFacts, 'now' | 'start' | 'end'>, actual: { wins: number; inquiries: number }): PlanBacktest {
  const newWins = plan.totals.wins;
  const predictedWins = newWins === null ? null : newWins + plan.totals.pipelineWins;
  return {
    madeAt: new Date(facts.now).toISOString(),
    periodStart: new Date(facts.start).toISOString(),
    periodEnd: new Date(facts.end).toISOString(),
    targetCents: plan.targetCents,
    outcome: plan.outcome,
    predictedWins,
    actualWins: actual.wins,
    absolutePercentageError: predictedWins === null || actual.wins === 0 ? null : Math.abs(predictedWins - actual.wins) / actual.wins,
    predictedInquiries: plan.totals.inquiries,
    actualInquiries: actual.inquiries,
  };
}
