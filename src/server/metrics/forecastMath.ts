// The onboarding forecast as pure math over opportunity facts: win probability per deal type,
// the empirical time to close, expected wins and onboarding starts per ISO week, and the backtest.
import { isoWeekOf, isoWeekStart, addWeeks } from '~/lib/isoWeek';
import { HOUR_MS, pipelineFactsOf, rankedMedian, rankedOf, rankOf, WIN_RATE_WINDOW_DAYS, type DealCounts, type OpenCell, type PipelineFacts, type Ranked } from './pipelineFacts';

export { WIN_RATE_WINDOW_DAYS };

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** Epoch milliseconds throughout; what is known at `asOf` is what happened strictly before it. */
export interface OpportunityFact {
  id: string;
  dealType: string | null;
  createdAt: number;
  wonAt: number | null;
  lostAt: number | null;
  /** the plan's: the deal's amount, and whether its filters keep it (default kept, amount 0) */
  amountCents?: number | null;
  inScope?: boolean;
}

export interface OnboardingFact {
  opportunityId: string;
  startedAt: number;
}

export interface ForecastInput {
  asOf: number;
  weeks: number;
  opportunities: readonly OpportunityFact[];
  onboardings: readonly OnboardingFact[];
  /** slots per ISO week; a week missing here has no capacity set */
  capacity: Readonly<Record<string, number>>;
}

export interface ForecastWeek {
  week: string;
  /** ISO date of the Monday */
  weekStart: string;
  expectedWins: number;
  expectedStarts: number;
  /** null: no capacity set for the week */
  capacity: number | null;
  /** expected starts / capacity; null when capacity is unset or 0 */
  utilisation: number | null;
}

export interface WinProbability {
  dealType: string | null;
  probability: number;
  /** which closed opportunities gave it */
  basis: 'deal_type' | 'all_types' | 'none';
  openOpportunities: number;
}

export interface Forecast {
  asOf: string;
  weeks: ForecastWeek[];
  winProbabilities: WinProbability[];
  /** median days from won to onboarding started; null when no onboarding has started */
  onboardingLagDays: number | null;
  openOpportunities: number;
  warnings: string[];
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const typeLabel = (dealType: string | null) => (dealType === null ? 'without a deal type' : `of deal type '${dealType}'`);

/** The forecast's model of the deals open at `asOf`: who wins with what chance, and when. */
export interface PipelineModel {
  asOf: number;
  /** P(win) per deal type of the open opportunities, with how many are open */
  winProbabilities: WinProbability[];
  /** median days from won to onboarding started; null when no onboarding has started */
  onboardingLagDays: number | null;
  /** the opportunities open at asOf by deal type and creation hour, with the chance and close times of each */
  open: OpenOutlook[];
  /** how many opportunities are open at asOf */
  openOpportunities: number;
  warnings: string[];
}

/**
 * The open deals of one cell and when each may close: at its creation hour plus one of the known
 * cycles of rank `first` on (whole hours), each with chance `share`; or, older than every known
 * cycle, at `at` with chance `probability`. No chance to win or no cycle known: `share` 0, `at` null.
 */
export interface OpenOutlook {
  cell: OpenCell;
  probability: number;
  cycles: Ranked;
  first: number;
  share: number;
  at: number | null;
}

/**
 * For each deal of the cell: P(win) x P(close in [from, to)) for an interval in epoch ms;
 * `shiftMs` moves every close time first (the onboarding lag). The intervals of a partition sum
 * to P(win) at most.
 */
export function expectedIn(o: OpenOutlook, from: number, to: number, shiftMs = 0): number {
  const out = [0];
  addExpected(o, [from, to], shiftMs, 1, out);
  return out[0]!;
}

/**
 * Adds `weight` x expectedIn(o, bounds[i], bounds[i + 1], shiftMs) to out[i] for each i: one
 * search per boundary (the boundaries ascending, as a partition's are).
 */
export function addExpected(o: OpenOutlook, bounds: readonly number[], shiftMs: number, weight: number, out: number[]): void {
  if (o.at !== null) {
    const at = o.at + shiftMs;
    for (let i = 0; i + 1 < bounds.length; i++) if (at >= bounds[i]! && at < bounds[i + 1]!) out[i]! += weight * o.probability;
    return;
  }
  if (o.share === 0) return;
  // A cycle of h hours closes at created + h hours: in [from, to) when h is in [from - created, to - created).
  const base = o.cell.hour * HOUR_MS + shiftMs;
  let lo = Math.max(o.first, rankOf(o.cycles, (bounds[0]! - base) / HOUR_MS));
  for (let i = 0; i + 1 < bounds.length; i++) {
    const hi = Math.max(lo, rankOf(o.cycles, (bounds[i + 1]! - base) / HOUR_MS));
    if (hi > lo) out[i]! += weight * (o.share * (hi - lo));
    lo = hi;
  }
}

/**
 * P(win) = won / (won + lost) of the opportunities of the same deal type closed in the last 365
 * days (else all types, else 0 with a warning); the close time of an open opportunity of age a is
 * its creation plus one of the known won cycles of its type longer than a, equally likely (none
 * longer: the type's median from now). At one-hour resolution: cycles in whole hours, an
 * opportunity taken as created at the start of its creation hour (its age measured from there).
 * Shared by the forecast and the plan's pipeline.
 */
export function pipelineModel(input: Pick<ForecastInput, 'asOf' | 'opportunities' | 'onboardings'>): PipelineModel {
  return modelFromFacts(pipelineFactsOf(input));
}

/** The pipeline model from the facts known at their moment (however they were read). */
export function modelFromFacts(facts: PipelineFacts): PipelineModel {
  const { asOf } = facts;
  const warnings: string[] = [];
  const rate = (counts: DealCounts | undefined) => (!counts || counts.won + counts.lost === 0 ? null : counts.won / (counts.won + counts.lost));
  const all: DealCounts = { won: 0, lost: 0 };
  for (const c of facts.closed.values()) {
    all.won += c.won;
    all.lost += c.lost;
  }
  const allTypesRate = rate(all);

  const lagHours = rankedMedian(facts.lagHours);
  const lagDays = lagHours === null ? null : lagHours / 24;
  if (lagDays === null) warnings.push('no onboarding has started after a win yet: starts are shown without a lag');

  let allCycles: Ranked | null = null;
  const cyclesOf = (dealType: string | null): Ranked => {
    const own = facts.cycles.get(dealType);
    if (own && own.total > 0) return own;
    if (allCycles === null) {
      const counts = new Map<number, number>();
      for (const r of facts.cycles.values())
        r.values.forEach((v, i) => counts.set(v, (counts.get(v) ?? 0) + (i + 1 < r.values.length ? r.below[i + 1]! : r.total) - r.below[i]!));
      allCycles = rankedOf(counts);
    }
    return allCycles;
  };
  const anyWon = [...facts.cycles.values()].some((c) => c.total > 0);

  const openOutlooks: OpenOutlook[] = [];
  const probabilities = new Map<string | null, WinProbability>();
  let openOpportunities = 0;
  for (const cell of facts.open) {
    openOpportunities += cell.deals;
    let p = probabilities.get(cell.dealType);
    if (!p) {
      const own = rate(facts.closed.get(cell.dealType));
      p =
        own !== null
          ? { dealType: cell.dealType, probability: own, basis: 'deal_type', openOpportunities: 0 }
          : allTypesRate !== null
            ? { dealType: cell.dealType, probability: allTypesRate, basis: 'all_types', openOpportunities: 0 }
            : { dealType: cell.dealType, probability: 0, basis: 'none', openOpportunities: 0 };
      probabilities.set(cell.dealType, p);
    }
    p.openOpportunities += cell.deals;
    const probability = p.probability;
    const cycles = cyclesOf(cell.dealType);
    if (probability === 0 || cycles.total === 0) {
      openOutlooks.push({ cell, probability, cycles, first: 0, share: 0, at: null });
      continue;
    }
    // The close times it may have: created + each known cycle longer than its age, equally likely.
    const first = rankOf(cycles, (asOf - cell.hour * HOUR_MS) / HOUR_MS, true);
    openOutlooks.push(
      first === cycles.total
        ? // Older than every known cycle: expect it to take the type's median from now.
          { cell, probability, cycles, first, share: 0, at: asOf + rankedMedian(cycles)! * HOUR_MS }
        : { cell, probability, cycles, first, share: probability / (cycles.total - first), at: null },
    );
  }
  const winProbabilities = [...probabilities.values()].sort((a, b) => (a.dealType ?? '').localeCompare(b.dealType ?? ''));
  for (const p of winProbabilities) {
    if (p.basis === 'none')
      warnings.push(`no opportunity closed in the last ${WIN_RATE_WINDOW_DAYS} days: P(win) is 0 for ${p.openOpportunities} open opportunities ${typeLabel(p.dealType)}`);
  }
  if (openOutlooks.length > 0 && !anyWon) warnings.push('no opportunity has been won yet: no time to close is known');

  return { asOf, winProbabilities, onboardingLagDays: lagDays, open: openOutlooks, openOpportunities, warnings };
}

/** The forecast as it would be made at `input.asOf`, from the facts known then. */
export function forecastOnboarding(input: ForecastInput): Forecast {
  return forecastFromModel(pipelineModel(input), input.weeks, input.capacity);
}

/** Expected wins and starts over `weeks` ISO weeks from the model's moment, against capacity. */
export function forecastFromModel(model: PipelineModel, weekCount: number, capacity: Readonly<Record<string, number>>): Forecast {
  const firstWeek = isoWeekOf(new Date(model.asOf));
  const weeks = Array.from({ length: weekCount }, (_, i) => addWeeks(firstWeek, i));
  const horizonStart = isoWeekStart(firstWeek).getTime();
  const lagMs = (model.onboardingLagDays ?? 0) * DAY_MS;
  const wins = new Array<number>(weekCount).fill(0);
  const starts = new Array<number>(weekCount).fill(0);
  const bounds = Array.from({ length: weekCount + 1 }, (_, i) => horizonStart + i * WEEK_MS);
  for (const o of model.open) {
    if (o.probability === 0) continue;
    addExpected(o, bounds, 0, o.cell.deals, wins);
    addExpected(o, bounds, lagMs, o.cell.deals, starts);
  }

  return {
    asOf: new Date(model.asOf).toISOString(),
    weeks: weeks.map((week, i) => {
      const slots = Object.hasOwn(capacity, week) ? capacity[week]! : null;
      return {
        week,
        weekStart: isoWeekStart(week).toISOString().slice(0, 10),
        expectedWins: wins[i]!,
        expectedStarts: starts[i]!,
        capacity: slots,
        utilisation: slots === null || slots === 0 ? null : starts[i]! / slots,
      };
    }),
    winProbabilities: model.winProbabilities,
    onboardingLagDays: model.onboardingLagDays,
    openOpportunities: model.openOpportunities,
    warnings: model.warnings,
  };
}

/**
 * Mean absolute percentage error, as a fraction (0.25 = 25%). Weeks with nothing actually
 * happening have no percentage error and are left out; none left: null.
 */
export function mape(pairs: readonly { forecast: number; actual: number }[]): number | null {
  const counted = pairs.filter((p) => p.actual > 0);
  if (counted.length === 0) return null;
  return counted.reduce((s, p) => s + Math.abs(p.forecast - p.actual) / p.actual, 0) / counted.length;
}

export interface BacktestWeek {
  week: string;
  forecastWins: number;
  actualWins: number;
  forecastStarts: number;
  actualStarts: number;
}

export interface Backtest {
  weeksAgo: number;
  madeAt: string;
  weeks: BacktestWeek[];
  winsMape: number | null;
  startsMape: number | null;
}

/**
 * The forecast as it would have been made `weeksAgo` weeks before `asOf`, from the facts known
 * then, against what happened in the weeks that have fully passed since: wins and onboarding
 * starts from the moment it was made to the end of each week.
 */
export function backtest(input: ForecastInput, weeksAgo: number): Backtest {
  const madeAt = input.asOf - weeksAgo * WEEK_MS;
  const made = forecastOnboarding({ ...input, asOf: madeAt, weeks: weeksAgo });
  const wins = input.opportunities.flatMap((o) => (o.wonAt === null ? [] : [o.wonAt]));
  return scoreForecast(made, input.asOf, weeksAgo, wins, input.onboardings.map((b) => b.startedAt));
}

/**
 * A forecast made `weeksAgo` weeks before `asOf` against the wins and onboarding starts that
 * happened (their times; any outside its weeks are left out).
 */
export function scoreForecast(made: Forecast, asOf: number, weeksAgo: number, winTimes: readonly number[], startTimes: readonly number[]): Backtest {
  const madeAt = new Date(made.asOf).getTime();
  const weeks = made.weeks.map((w) => {
    const start = Math.max(madeAt, isoWeekStart(w.week).getTime());
    const end = isoWeekStart(w.week).getTime() + WEEK_MS;
    const inWeek = (at: number) => at >= start && at < end && at < asOf;
    return {
      week: w.week,
      forecastWins: w.expectedWins,
      actualWins: winTimes.filter(inWeek).length,
      forecastStarts: w.expectedStarts,
      actualStarts: startTimes.filter(inWeek).length,
    };
  });
  return {
    weeksAgo,
    madeAt: new Date(madeAt).toISOString(),
    weeks,
    winsMape: mape(weeks.map((w) => ({ forecast: w.forecastWins, actual: w.actualWins }))),
    startsMape: mape(weeks.map((w) => ({ forecast: w.forecastStarts, actual: w.actualStarts }))),
  };
}
