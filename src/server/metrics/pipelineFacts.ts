// What the forecast's pipeline model is made from, as known at one moment: the deals closed in the
// win-rate window per deal type, the won cycles and onboarding lags known, and the open deals.
// Two ways to get there, pure: from every deal one by one (`pipelineFactsOf`, the reference), or
// from the deal rollups plus the few deals read one by one (`pipelineFactsFromRollups`).
import type { OnboardingFact, OpportunityFact } from './forecastMath';

const DAY_MS = 86_400_000;
export const WIN_RATE_WINDOW_DAYS = 365;

export interface DealCounts {
  won: number;
  lost: number;
}

/** Times in epoch milliseconds; what is known at `asOf` is what happened strictly before it. */
export interface PipelineFacts {
  asOf: number;
  /** deals closed in [asOf - 365 days, asOf), by deal type, as known at asOf */
  closed: ReadonlyMap<string | null, DealCounts>;
  /** days from creation to win of every deal won before asOf, by deal type, ascending */
  cycles: ReadonlyMap<string | null, readonly number[]>;
  /** days from win to onboarding start of the deals won and started before asOf */
  lagDays: readonly number[];
  /** the deals open at asOf, by creation time then id */
  open: readonly OpportunityFact[];
}

/** An opportunity as known at `asOf`: null when not yet created. */
export function asKnownAt(o: OpportunityFact, asOf: number): { status: 'open' | 'won' | 'lost'; closedAt: number | null } | null {
  if (o.createdAt >= asOf) return null;
  if (o.wonAt !== null && o.wonAt < asOf) return { status: 'won', closedAt: o.wonAt };
  if (o.lostAt !== null && o.lostAt < asOf) return { status: 'lost', closedAt: o.lostAt };
  return { status: 'open', closedAt: null };
}

const byCreation = (a: OpportunityFact, b: OpportunityFact) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Adds, into the maps, what the deals `deals` (with their onboarding start) say at `asOf`. */
class FactsAccumulator {
  readonly closed = new Map<string | null, DealCounts>();
  readonly cycles = new Map<string | null, number[]>();
  readonly lagDays: number[] = [];
  readonly open: OpportunityFact[] = [];
  constructor(readonly asOf: number) {}

  count(dealType: string | null, outcome: 'won' | 'lost', deals: number) {
    let counts = this.closed.get(dealType);
    if (!counts) {
      counts = { won: 0, lost: 0 };
      this.closed.set(dealType, counts);
    }
    counts[outcome] += deals;
  }

  cycle(dealType: string | null, days: number, times = 1) {
    let list = this.cycles.get(dealType);
    if (!list) {
      list = [];
      this.cycles.set(dealType, list);
    }
    for (let i = 0; i < times; i++) list.push(days);
  }

  /** One deal taken whole, as the reference takes every deal. */
  deal(o: OpportunityFact, startedAt: number | null) {
    const state = asKnownAt(o, this.asOf);
    if (!state) return;
    if (state.status === 'open') {
      this.open.push(o);
      return;
    }
    if (state.closedAt! >= this.asOf - WIN_RATE_WINDOW_DAYS * DAY_MS) this.count(o.dealType, state.status, 1);
    if (state.status !== 'won') return;
    this.cycle(o.dealType, (state.closedAt! - o.createdAt) / DAY_MS);
    if (startedAt !== null && startedAt < this.asOf) this.lagDays.push((startedAt - state.closedAt!) / DAY_MS);
  }

  facts(): PipelineFacts {
    for (const list of this.cycles.values()) list.sort((a, b) => a - b);
    return { asOf: this.asOf, closed: this.closed, cycles: this.cycles, lagDays: this.lagDays, open: [...this.open].sort(byCreation) };
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
  /** deal_duration_rollup: every regular won deal's cycle, and its onboarding lag */
  cycles: readonly { dealType: string | null; ms: number; deals: number }[];
  lags: readonly { ms: number; deals: number }[];
  /**
   * Regular deals read one by one: for every moment m asked, those open at m, closed in the
   * partial days at either end of m's win-rate window, won at or after m, or started at or after m.
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
 * irregular deals taken whole, like the reference takes every deal.
 */
export function pipelineFactsFromRollups(parts: DealRollupParts, asOf: number): PipelineFacts {
  const facts = new FactsAccumulator(asOf);
  const windowStart = asOf - WIN_RATE_WINDOW_DAYS * DAY_MS;
  const dayFrom = ceilDay(windowStart);
  const dayTo = floorDay(asOf);
  for (const cell of parts.closeDays) {
    if (cell.day >= dayFrom && cell.day < dayTo) facts.count(cell.dealType, cell.outcome, cell.deals);
  }

  const laterCycles = new Map<string, number>();
  const laterLags = new Map<number, number>();
  const cycleKey = (dealType: string | null, ms: number) => `${dealType ?? ''}\u0000${ms}`;
  for (const o of parts.regular) {
    const close = regularClose(o);
    if (close && close.at >= windowStart && close.at < asOf && (close.at < dayFrom || close.at >= dayTo)) facts.count(o.dealType, close.outcome, 1);
    if (asKnownAt(o, asOf)?.status === 'open') facts.open.push(o);
    if (o.wonAt === null) continue;
    if (o.wonAt >= asOf) {
      const key = cycleKey(o.dealType, o.wonAt - o.createdAt);
      laterCycles.set(key, (laterCycles.get(key) ?? 0) + 1);
    }
    if (o.startedAt !== null && Math.max(o.wonAt, o.startedAt) >= asOf) {
      const ms = o.startedAt - o.wonAt;
      laterLags.set(ms, (laterLags.get(ms) ?? 0) + 1);
    }
  }
  for (const cell of parts.cycles) {
    const times = cell.deals - (laterCycles.get(cycleKey(cell.dealType, cell.ms)) ?? 0);
    if (times > 0) facts.cycle(cell.dealType, cell.ms / DAY_MS, times);
  }
  for (const cell of parts.lags) {
    const times = cell.deals - (laterLags.get(cell.ms) ?? 0);
    for (let i = 0; i < times; i++) facts.lagDays.push(cell.ms / DAY_MS);
  }
  for (const o of parts.irregular) facts.deal(o, o.startedAt);
  return facts.facts();
}
