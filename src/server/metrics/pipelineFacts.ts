// What the forecast's pipeline model is made from, as known at one moment: the deals closed in the
// win-rate window per deal type, the won cycles and onboarding lags known (whole hours), and the
// open deals by deal type and creation hour. Two ways to get there, pure: from every deal one by
// one (`pipelineFactsOf`, the reference), or from the deal rollups plus the few deals read one by
// one (`pipelineFactsFromRollups`). Durations and ages are taken at one-hour resolution
// (docs/metrics.md, "Onboarding forecast").
import type { OnboardingFact, OpportunityFact } from './forecastMath';

const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const WIN_RATE_WINDOW_DAYS = 365;

/** Whole hours from `from` to `to` (floor of the exact duration; the rollups compute the same float8). */
export const wholeHours = (from: number, to: number) => Math.floor((to - from) / HOUR_MS);
/** The epoch hour a time falls in. */
export const epochHour = (ms: number) => Math.floor(ms / HOUR_MS);

export interface DealCounts {
  won: number;
  lost: number;
}

/**
 * A multiset of whole hours as distinct values ascending, each with how many entries are below
 * it: ranks and counts by binary search, sized by the distinct hours rather than the deals.
 */
export interface Ranked {
  values: readonly number[];
  /** below[i]: entries with a value < values[i] */
  below: readonly number[];
  total: number;
}

/** The ranked multiset of these counts (value -> how many). */
export function rankedOf(counts: ReadonlyMap<number, number>): Ranked {
  const values = [...counts.keys()].filter((v) => counts.get(v)! > 0).sort((a, b) => a - b);
  const below: number[] = [];
  let total = 0;
  for (const v of values) {
    below.push(total);
    total += counts.get(v)!;
  }
  return { values, below, total };
}

/** How many entries are < x (<= x when `inclusive`). */
export function rankOf(r: Ranked, x: number, inclusive = false): number {
  let lo = 0;
  let hi = r.values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = r.values[mid]!;
    if (inclusive ? v > x : v >= x) hi = mid;
    else lo = mid + 1;
  }
  return lo === r.values.length ? r.total : r.below[lo]!;
}

/** The entry of rank k (0-based) in ascending order. */
export function entryAt(r: Ranked, k: number): number {
  let lo = 0;
  let hi = r.values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (r.below[mid]! <= k) lo = mid;
    else hi = mid - 1;
  }
  return r.values[lo]!;
}

/** The median of a ranked multiset; null when empty. */
export function rankedMedian(r: Ranked): number | null {
  if (r.total === 0) return null;
  const mid = Math.floor(r.total / 2);
  return r.total % 2 === 1 ? entryAt(r, mid) : (entryAt(r, mid - 1) + entryAt(r, mid)) / 2;
}

/**
 * Open deals of one deal type created in one hour: the same outlook for each. `scoped*` are those
 * the caller's filters keep (the plan's), with the sum of their amounts.
 */
export interface OpenCell {
  dealType: string | null;
  /** epoch hour of creation: created in [hour, hour + 1) x 1 h */
  hour: number;
  deals: number;
  scopedDeals: number;
  scopedCents: number;
}

/** Times in epoch milliseconds; what is known at `asOf` is what happened strictly before it. */
export interface PipelineFacts {
  asOf: number;
  /** deals closed in [asOf - 365 days, asOf), by deal type, as known at asOf */
  closed: ReadonlyMap<string | null, DealCounts>;
  /** whole hours from creation to win of every deal won before asOf, by deal type */
  cycles: ReadonlyMap<string | null, Ranked>;
  /** whole hours from win to onboarding start of the deals won and started before asOf */
  lagHours: Ranked;
  /** the deals open at asOf, by creation hour then deal type */
  open: readonly OpenCell[];
}

/** An opportunity as known at `asOf`: null when not yet created. */
export function asKnownAt(o: OpportunityFact, asOf: number): { status: 'open' | 'won' | 'lost'; closedAt: number | null } | null {
  if (o.createdAt >= asOf) return null;
  if (o.wonAt !== null && o.wonAt < asOf) return { status: 'won', closedAt: o.wonAt };
  if (o.lostAt !== null && o.lostAt < asOf) return { status: 'lost', closedAt: o.lostAt };
  return { status: 'open', closedAt: null };
}

const typeOrder = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);
const byHour = (a: OpenCell, b: OpenCell) => a.hour - b.hour || typeOrder(a.dealType, b.dealType);

/** Adds, into the maps, what the deals `deals` (with their onboarding start) say at `asOf`. */
class FactsAccumulator {
  readonly closed = new Map<string | null, DealCounts>();
  readonly cycles = new Map<string | null, Map<number, number>>();
  readonly lags = new Map<number, number>();
  readonly open = new Map<number, OpenCell>();
  private readonly typeIds = new Map<string | null, number>();
  constructor(readonly asOf: number) {}

  count(dealType: string | null, outcome: 'won' | 'lost', deals: number) {
    let counts = this.closed.get(dealType);
    if (!counts) {
      counts = { won: 0, lost: 0 };
      this.closed.set(dealType, counts);
    }
    counts[outcome] += deals;
  }

  cycle(dealType: string | null, hours: number, times = 1) {
    let counts = this.cycles.get(dealType);
    if (!counts) {
      counts = new Map();
      this.cycles.set(dealType, counts);
    }
    counts.set(hours, (counts.get(hours) ?? 0) + times);
  }

  lag(hours: number, times = 1) {
    this.lags.set(hours, (this.lags.get(hours) ?? 0) + times);
  }

  openDeals(dealType: string | null, hour: number, deals: number, scopedDeals: number, scopedCents: number) {
    let typeId = this.typeIds.get(dealType);
    if (typeId === undefined) {
      typeId = this.typeIds.size;
      this.typeIds.set(dealType, typeId);
    }
    const key = hour * 1_048_576 + typeId;
    const cell = this.open.get(key);
    if (cell) {
      cell.deals += deals;
      cell.scopedDeals += scopedDeals;
      cell.scopedCents += scopedCents;
    } else this.open.set(key, { dealType, hour, deals, scopedDeals, scopedCents });
  }

  /** One open deal at asOf. */
  openDeal(o: OpportunityFact) {
    const scoped = o.inScope !== false;
    this.openDeals(o.dealType, epochHour(o.createdAt), 1, scoped ? 1 : 0, scoped ? (o.amountCents ?? 0) : 0);
  }

  /** One deal taken whole, as the reference takes every deal. */
  deal(o: OpportunityFact, startedAt: number | null) {
    const state = asKnownAt(o, this.asOf);
    if (!state) return;
    if (state.status === 'open') {
      this.openDeal(o);
      return;
    }
    if (state.closedAt! >= this.asOf - WIN_RATE_WINDOW_DAYS * DAY_MS) this.count(o.dealType, state.status, 1);
    if (state.status !== 'won') return;
    this.cycle(o.dealType, wholeHours(o.createdAt, state.closedAt!));
    if (startedAt !== null && startedAt < this.asOf) this.lag(wholeHours(state.closedAt!, startedAt));
  }

  facts(): PipelineFacts {
    const cycles = new Map<string | null, Ranked>();
    for (const [dealType, counts] of this.cycles) {
      const ranked = rankedOf(counts);
      if (ranked.total > 0) cycles.set(dealType, ranked);
    }
    return { asOf: this.asOf, closed: this.closed, cycles, lagHours: rankedOf(this.lags), open: [...this.open.values()].sort(byHour) };
  }
}

/** The facts at `asOf` from every deal and onboarding, one by one. */
export function pipelineFactsOf(input: { asOf: number; opportunities: readonly OpportunityFact[]; onboardings: readonly OnboardingFact[] }): PipelineFacts {
  const started = new Map<string, number>();
  for (const b of input.onboardings) started.set(b.opportunityId, b.startedAt);
  const facts = new FactsAccumulator(input.asOf);
  for (const o of input.opportunities) facts.deal(o, started.get(o.id) ?? null);
  return facts.facts();
}

/** A deal read one by one, with its onboarding start. */
export interface DealFact extends OpportunityFact {
  startedAt: number | null;
}

/** What the deal rollups hold (docs/rollups.md), and the deals read one by one around them. */
export interface DealRollupParts {
  /** deal_close_rollup cells of whole days; `day` is the epoch ms of the day's UTC midnight */
  closeDays: readonly { day: number; dealType: string | null; outcome: 'won' | 'lost'; deals: number }[];
  /** deal_duration_rollup: every regular won deal's cycle, and its onboarding lag, in whole hours */
  cycles: readonly { dealType: string | null; hours: number; deals: number }[];
  lags: readonly { hours: number; deals: number }[];
  /** deal_open_rollup: the deals open now (never won nor lost) by deal type and creation hour */
  openNow: readonly OpenCell[];
  /**
   * Regular deals read one by one: for every moment m asked, those closed or started at or after
   * m, closed in the partial days at either end of m's win-rate window, and those open now created
   * in m's partial hour.
   */
  regular: readonly DealFact[];
  /** every irregular deal (created after its close, or lost before it was won) */
  irregular: readonly DealFact[];
}

const ceilDay = (ms: number) => Math.ceil(ms / DAY_MS) * DAY_MS;
const floorDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

/** The regular deal's close as the close rollup counts it. */
function regularClose(o: OpportunityFact): { at: number; outcome: 'won' | 'lost' } | null {
  if (o.wonAt !== null) return { at: o.wonAt, outcome: 'won' };
  if (o.lostAt !== null) return { at: o.lostAt, outcome: 'lost' };
  return null;
}

/**
 * The facts at `asOf` from the rollups: whole days of the window from the close cells, its partial
 * days from the deals read one by one; the histograms less what was won or started from asOf on
 * (a regular deal is known won from its win on, its lag from the later of win and start); the
 * deals open at asOf: the open-now cells of the hours before asOf's, those of asOf's own hour
 * created before asOf, and the deals closed since that were created before asOf; the irregular
 * deals taken whole, like the reference takes every deal.
 */
export function pipelineFactsFromRollups(parts: DealRollupParts, asOf: number): PipelineFacts {
  const facts = new FactsAccumulator(asOf);
  const windowStart = asOf - WIN_RATE_WINDOW_DAYS * DAY_MS;
  const dayFrom = ceilDay(windowStart);
  const dayTo = floorDay(asOf);
  for (const cell of parts.closeDays) {
    if (cell.day >= dayFrom && cell.day < dayTo) facts.count(cell.dealType, cell.outcome, cell.deals);
  }
  const asOfHour = epochHour(asOf);
  for (const cell of parts.openNow) {
    if (cell.hour < asOfHour) facts.openDeals(cell.dealType, cell.hour, cell.deals, cell.scopedDeals, cell.scopedCents);
  }

  const laterCycles = new Map<string, number>();
  const laterLags = new Map<number, number>();
  const cycleKey = (dealType: string | null, hours: number) => `${dealType ?? ''}\u0000${hours}`;
  for (const o of parts.regular) {
    const close = regularClose(o);
    if (close === null) {
      // Open now: the cells hold it unless it was created in asOf's own hour.
      if (o.createdAt < asOf && epochHour(o.createdAt) === asOfHour) facts.openDeal(o);
      continue;
    }
    if (close.at >= windowStart && close.at < asOf && (close.at < dayFrom || close.at >= dayTo)) facts.count(o.dealType, close.outcome, 1);
    if (asKnownAt(o, asOf)?.status === 'open') facts.openDeal(o);
    if (o.wonAt === null) continue;
    if (o.wonAt >= asOf) {
      const key = cycleKey(o.dealType, wholeHours(o.createdAt, o.wonAt));
      laterCycles.set(key, (laterCycles.get(key) ?? 0) + 1);
    }
    if (o.startedAt !== null && Math.max(o.wonAt, o.startedAt) >= asOf) {
      const hours = wholeHours(o.wonAt, o.startedAt);
      laterLags.set(hours, (laterLags.get(hours) ?? 0) + 1);
    }
  }
  for (const cell of parts.cycles) {
    const times = cell.deals - (laterCycles.get(cycleKey(cell.dealType, cell.hours)) ?? 0);
    if (times > 0) facts.cycle(cell.dealType, cell.hours, times);
  }
  for (const cell of parts.lags) {
    const times = cell.deals - (laterLags.get(cell.hours) ?? 0);
    if (times > 0) facts.lag(cell.hours, times);
  }
  for (const o of parts.irregular) facts.deal(o, o.startedAt);
  return facts.facts();
}
