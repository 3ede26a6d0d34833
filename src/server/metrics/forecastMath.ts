// The onboarding forecast as pure math over opportunity facts: win probability per deal type,
// the empirical time to close, expected wins and onboarding starts per ISO week, and the backtest.
import { isoWeekOf, isoWeekStart, addWeeks } from '~/lib/isoWeek';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
export const WIN_RATE_WINDOW_DAYS = 365;

/** Epoch milliseconds throughout; what is known at `asOf` is what happened strictly before it. */
export interface OpportunityFact {
  id: string;
  dealType: string | null;
  createdAt: number;
  wonAt: number | null;
  lostAt: number | null;
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

/** In an ascending list, the first index from `from` on whose value is >= `value` (> when `strict`). */
function firstIndex(sorted: readonly number[], from: number, value: number, strict = false): number {
  let lo = from;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (strict ? v > value : v >= value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The median of an ascending list, without sorting it again. */
function medianOfSorted(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** An opportunity as known at `asOf`: null when not yet created. */
function asKnownAt(o: OpportunityFact, asOf: number): { status: 'open' | 'won' | 'lost'; closedAt: number | null } | null {
  if (o.createdAt >= asOf) return null;
  if (o.wonAt !== null && o.wonAt < asOf) return { status: 'won', closedAt: o.wonAt };
  if (o.lostAt !== null && o.lostAt < asOf) return { status: 'lost', closedAt: o.lostAt };
  return { status: 'open', closedAt: null };
}

const typeLabel = (dealType: string | null) => (dealType === null ? 'without a deal type' : `of deal type '${dealType}'`);

/** The forecast as it would be made at `input.asOf`, from the facts known then. */
export function forecastOnboarding(input: ForecastInput): Forecast {
  const { asOf } = input;
  const warnings: string[] = [];
  const known = input.opportunities.flatMap((o) => {
    const state = asKnownAt(o, asOf);
    return state ? [{ ...o, ...state }] : [];
  });

  // P(win): closed in the last 365 days, same deal type, else all types, else 0.
  const recent = known.filter((o) => o.closedAt !== null && o.closedAt >= asOf - WIN_RATE_WINDOW_DAYS * DAY_MS);
  const rate = (list: typeof recent) => {
    const won = list.filter((o) => o.status === 'won').length;
    return list.length === 0 ? null : won / list.length;
  };
  const allTypesRate = rate(recent);

  // Time to close: (won - created) days of every won opportunity known, per deal type.
  const durations = new Map<string | null, number[]>();
  const allDurations: number[] = [];
  for (const o of known) {
    if (o.status !== 'won') continue;
    const days = (o.closedAt! - o.createdAt) / DAY_MS;
    allDurations.push(days);
    const list = durations.get(o.dealType);
    if (list) list.push(days);
    else durations.set(o.dealType, [days]);
  }

  const lags: number[] = [];
  const wonAt = new Map(known.filter((o) => o.status === 'won').map((o) => [o.id, o.closedAt!]));
  for (const b of input.onboardings) {
    const won = wonAt.get(b.opportunityId);
    if (won !== undefined && b.startedAt < asOf) lags.push((b.startedAt - won) / DAY_MS);
  }
  const lagDays = median(lags);
  if (lagDays === null) warnings.push('no onboarding has started after a win yet: starts are shown without a lag');

  const firstWeek = isoWeekOf(new Date(asOf));
  const weeks = Array.from({ length: input.weeks }, (_, i) => addWeeks(firstWeek, i));
  const horizonStart = isoWeekStart(firstWeek).getTime();
  const wins = new Array<number>(input.weeks).fill(0);
  const starts = new Array<number>(input.weeks).fill(0);
  const bucket = (series: number[], at: number, p: number) => {
    const index = Math.floor((at - horizonStart) / WEEK_MS);
    if (index >= 0 && index < series.length) series[index]! += p;
  };

  /**
   * Adds `share` to each week for every cycle from index `first` on whose close time falls in it;
   * the cycles are sorted, so each week's count is one binary search.
   */
  const spread = (series: number[], cycle: readonly number[], first: number, fromMs: number, share: number) => {
    // A cycle of d days closes at fromMs + d days: in week i when that is in [start of i, start of i + 1).
    let from = firstIndex(cycle, first, (horizonStart - fromMs) / DAY_MS);
    for (let i = 0; i < series.length && from < cycle.length; i++) {
      const to = firstIndex(cycle, from, (horizonStart + (i + 1) * WEEK_MS - fromMs) / DAY_MS);
      series[i]! += share * (to - from);
      from = to;
    }
  };
  const sortedCycles = new Map<string | null, number[]>();
  const sortedCycle = (dealType: string | null): number[] => {
    let cycle = sortedCycles.get(dealType);
    if (!cycle) {
      cycle = [...(durations.get(dealType) ?? allDurations)].sort((a, b) => a - b);
      sortedCycles.set(dealType, cycle);
    }
    return cycle;
  };

  const open = known.filter((o) => o.status === 'open');
  const probabilities = new Map<string | null, WinProbability>();
  for (const o of open) {
    let p = probabilities.get(o.dealType);
    if (!p) {
      const own = rate(recent.filter((r) => r.dealType === o.dealType));
      p =
        own !== null
          ? { dealType: o.dealType, probability: own, basis: 'deal_type', openOpportunities: 0 }
          : allTypesRate !== null
            ? { dealType: o.dealType, probability: allTypesRate, basis: 'all_types', openOpportunities: 0 }
            : { dealType: o.dealType, probability: 0, basis: 'none', openOpportunities: 0 };
      probabilities.set(o.dealType, p);
    }
    p.openOpportunities++;
    if (p.probability === 0) continue;

    const cycle = sortedCycle(o.dealType);
    if (cycle.length === 0) continue;
    const age = (asOf - o.createdAt) / DAY_MS;
    // The close times it may have: created + each known cycle longer than its age, equally likely.
    const first = firstIndex(cycle, 0, age, true);
    if (first === cycle.length) {
      // Older than every known cycle: expect it to take the type's median from now.
      const at = asOf + medianOfSorted(cycle)! * DAY_MS;
      bucket(wins, at, p.probability);
      bucket(starts, at + (lagDays ?? 0) * DAY_MS, p.probability);
      continue;
    }
    const share = p.probability / (cycle.length - first);
    spread(wins, cycle, first, o.createdAt, share);
    spread(starts, cycle, first, o.createdAt + (lagDays ?? 0) * DAY_MS, share);
  }
  for (const p of probabilities.values()) {
    if (p.basis === 'none')
      warnings.push(`no opportunity closed in the last ${WIN_RATE_WINDOW_DAYS} days: P(win) is 0 for ${p.openOpportunities} open opportunities ${typeLabel(p.dealType)}`);
  }
  if (open.length > 0 && allDurations.length === 0) warnings.push('no opportunity has been won yet: no time to close is known');

  return {
    asOf: new Date(asOf).toISOString(),
    weeks: weeks.map((week, i) => {
      const slots = Object.hasOwn(input.capacity, week) ? input.capacity[week]! : null;
      return {
        week,
        weekStart: isoWeekStart(week).toISOString().slice(0, 10),
        expectedWins: wins[i]!,
        expectedStarts: starts[i]!,
        capacity: slots,
        utilisation: slots === null || slots === 0 ? null : starts[i]! / slots,
      };
    }),
    winProbabilities: [...probabilities.values()].sort((a, b) => (a.dealType ?? '').localeCompare(b.dealType ?? '')),
    onboardingLagDays: lagDays,
    openOpportunities: open.length,
    warnings,
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
  const weeks = made.weeks.map((w, i) => {
    const start = Math.max(madeAt, isoWeekStart(w.week).getTime());
    const end = isoWeekStart(w.week).getTime() + WEEK_MS;
    const inWeek = (at: number | null) => at !== null && at >= start && at < end && at < input.asOf;
    return {
      week: w.week,
      forecastWins: made.weeks[i]!.expectedWins,
      actualWins: input.opportunities.filter((o) => inWeek(o.wonAt)).length,
      forecastStarts: made.weeks[i]!.expectedStarts,
      actualStarts: input.onboardings.filter((b) => inWeek(b.startedAt)).length,
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
