// Exact percentiles of journey durations (whole minutes) from the duration rollups. With at most
// one dimension in play (a filter, or the grouping), each rank is found in three narrowing steps:
// its slot (a day, or a week past 60 days) in the slot rollup; the hour within that slot in the
// hour rollup (whole months) and the minute histogram (the other whole days); the minute within
// that hour in the minute histogram. Each step reads a few cells per month, however many journeys
// there are. With several dimensions at once it reads the minutes of the range whole.
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '~/server/db/client';
import { interpolate, quantileRanks, slotWindow, valueAtRank, type Histogram } from '~/lib/histogram';
import { durationContributions, slotSql } from '~/server/projector/rollups';
import type { MetricFilters } from './filters';
import { cellsWhere, daysWhere, edgesWhere, leadRollupFilters, rollupFilters, withoutParallelWorkers, type RangeSplit } from './rollupRange';

export type DurationGroup = 'source' | 'campaign_id';

export interface DurationQuery {
  cohort: 'inquiry' | 'awareness';
  measures: number[];
  split: RangeSplit;
  filters: MetricFilters;
  /** one answer per value of this dimension; without it, one answer under the key '' */
  groupBy?: DurationGroup;
  /** quantiles wanted, e.g. [0.5, 0.75] */
  quantiles: number[];
  /** minutes per unit of the answer: 1440 for days, 60 for hours */
  unit: number;
}

export interface DurationAnswer {
  count: number;
  /** one per quantile asked, null when count is 0 */
  values: (number | null)[];
}

/** group key -> measure -> answer */
export type DurationAnswers = Map<string, Map<number, DurationAnswer>>;

const slotDimension: Record<keyof MetricFilters, string> = { source: 'source', campaign: 'campaign', segment: 'segment', dealType: 'deal_type' };
const groupDimension: Record<DurationGroup, string> = { source: 'source', campaign_id: 'campaign' };

/** The one single dimension the slot and hour rollups can answer the query from, or null. */
function slotSlice(query: DurationQuery): { dimension: string; value: string | null } | null {
  const active = (Object.keys(query.filters) as (keyof MetricFilters)[]).filter((k) => query.filters[k] !== undefined);
  if (query.groupBy) {
    const dimension = groupDimension[query.groupBy];
    if (active.length === 0) return { dimension, value: null };
    if (active.length === 1 && slotDimension[active[0]!] === dimension) return { dimension, value: query.filters[active[0]!]! };
    return null;
  }
  if (active.length === 0) return { dimension: 'all', value: '' };
  if (active.length === 1) return { dimension: slotDimension[active[0]!], value: query.filters[active[0]!]! };
  return null;
}

/** Duration rows of the partial days, from the journeys themselves. */
function edgeRows(query: DurationQuery): SQL {
  const at = sql.raw(query.cohort === 'inquiry' ? 'l.inquiry_at' : 'l.awareness_at');
  return durationContributions(
    sql`c.cohort = ${query.cohort} and ${edgesWhere(query.split, at)} and ${leadRollupFilters(query.filters)}`,
  );
}

const measureList = (measures: number[]) => sql`(${sql.join(measures.map((m) => sql`${m}::smallint`), sql`, `)})`;
const anyOf = (arms: SQL[]) => (arms.length === 0 ? sql`false` : sql`(${sql.join(arms, sql` or `)})`);

interface CountRow {
  key: string;
  measure: number | string;
  at: number | string;
  n: number | string;
}

/** key -> measure -> histogram, ascending */
type Histograms = Map<string, Map<number, [number, number][]>>;

function collect(found: CountRow[]): Histograms {
  const out: Histograms = new Map();
  for (const row of found) {
    const byMeasure = out.get(row.key) ?? new Map<number, [number, number][]>();
    out.set(row.key, byMeasure);
    const list = byMeasure.get(Number(row.measure)) ?? [];
    byMeasure.set(Number(row.measure), list);
    list.push([Number(row.at), Number(row.n)]);
  }
  return out;
}

/** Minutes histogram rows of the whole days plus the edges, restricted by `minutesWhere`. */
function minutesRows(query: DurationQuery, minutesWhere: SQL): SQL {
  const key = query.groupBy ? sql.raw(query.groupBy) : sql`''`;
  return sql`
    select key, measure, minutes as at, sum(n)::float8 as n from (
      select ${key} as key, measure, minutes, journeys as n from journey_duration_rollup
      where cohort = ${query.cohort} and measure in ${measureList(query.measures)} and ${daysWhere(query.split)}
        and ${rollupFilters(query.filters)} and ${minutesWhere}
      union all
      select ${query.groupBy ? sql.raw(`c.${query.groupBy}`) : sql`''`}, c.measure, c.minutes, 1 from (${edgeRows(query)}) c
      where c.measure in ${measureList(query.measures)} and ${minutesWhere}
    ) x group by 1, 2, 3 order by 1, 2, 3`;
}

/** The runs of whole days of the split outside its whole months, [from, to) each. */
function daysOutsideMonths(split: RangeSplit): [string, string][] {
  if (split.dayFrom === null || split.dayTo === null) return [];
  if (split.monthFrom === null || split.monthTo === null) return [[split.dayFrom, split.dayTo]];
  const runs: [string, string][] = [
    [split.dayFrom, split.monthFrom],
    [split.monthTo, split.dayTo],
  ];
  return runs.filter(([from, to]) => from < to);
}

/** The bin holding a 0-based rank, and how many values lie below it, given those below the histogram. */
function locate(histogram: Histogram, rank: number, below: number): { bin: number; below: number } | null {
  let seen = below;
  for (const [bin, n] of histogram) {
    if (rank < seen + n) return { bin, below: seen };
    seen += n;
  }
  return null;
}

export async function durationPercentiles(db: Db, query: DurationQuery): Promise<DurationAnswers> {
  return withoutParallelWorkers(db, (tx) => percentiles(tx, query));
}

async function percentiles(db: Db, query: DurationQuery): Promise<DurationAnswers> {
  const answers: DurationAnswers = new Map();
  const answer = (key: string, measure: number, value: DurationAnswer) => {
    const byMeasure = answers.get(key) ?? new Map<number, DurationAnswer>();
    answers.set(key, byMeasure);
    byMeasure.set(measure, value);
  };
  const slice = slotSlice(query);

  if (slice === null) {
    // Several dimensions at once: the minutes of the whole range.
    const histograms = collect(await rows<CountRow>(db, minutesRows(query, sql`true`)));
    for (const [key, byMeasure] of histograms) {
      for (const [measure, histogram] of byMeasure) answer(key, measure, fromHistogram(histogram, query));
    }
    return answers;
  }

  const groupColumn = query.groupBy ? sql.raw(`c.${query.groupBy}`) : sql`''`;
  const dayKey = query.groupBy ? sql.raw(query.groupBy) : sql`''`;
  const sliceWhere = sql`cohort = ${query.cohort} and dimension = ${slice.dimension}
    ${slice.value === null ? sql`` : sql`and value = ${slice.value}`}`;

  // 1. Slots: whole months and days from the slot rollup, partial days from the journeys.
  const slots = collect(
    await rows<CountRow>(
      db,
      sql`select key, measure, slot as at, sum(n)::float8 as n from (
        select ${query.groupBy ? sql`value` : sql`''`} as key, measure, slot, journeys as n from journey_duration_slot_rollup
        where ${cellsWhere(sql`${sliceWhere} and measure in ${measureList(query.measures)}`, query.split)}
        union all
        select ${groupColumn}, c.measure, ${sql.raw(slotSql('c.minutes'))}, 1 from (${edgeRows(query)}) c
        where c.measure in ${measureList(query.measures)}
      ) x group by 1, 2, 3 order by 1, 2, 3`,
    ),
  );

  // For every group, measure and quantile: the two ranks it interpolates between.
  interface Rank {
    rank: number;
    slot?: { bin: number; below: number };
    hour?: { bin: number; below: number };
    value?: number;
  }
  interface Need {
    key: string;
    measure: number;
    count: number;
    quantiles: { lower: Rank; upper: Rank; fraction: number }[];
    ranks: Map<number, Rank>;
  }
  const needs: Need[] = [];
  for (const [key, byMeasure] of slots) {
    for (const [measure, histogram] of byMeasure) {
      const count = histogram.reduce((sum, [, n]) => sum + n, 0);
      const ranks = new Map<number, Rank>();
      const rankOf = (r: number): Rank => {
        const found = ranks.get(r) ?? { rank: r, slot: locate(histogram, r, 0) ?? undefined };
        ranks.set(r, found);
        return found;
      };
      const quantiles = query.quantiles.map((p) => {
        const q = quantileRanks(count, p);
        return { lower: rankOf(q.lower), upper: rankOf(q.upper), fraction: q.fraction };
      });
      needs.push({ key, measure, count, quantiles, ranks });
    }
  }
  const disagree = () => new Error('duration rollups disagree: a rank has no cell');
  const wanted = needs.flatMap((need) => [...need.ranks.values()].map((rank) => ({ need, rank })));
  if (wanted.length === 0) return answers;

  // 2. Hours of those slots: whole months from the hour rollup, the other whole days from the
  // minute histogram (their days' entries of the measure), partial days from the journeys.
  const slotArms = new Map<string, SQL>();
  const slotWindows = new Map<string, SQL>();
  for (const { need, rank } of wanted) {
    if (!rank.slot) throw disagree();
    const bin = rank.slot.bin;
    slotArms.set(
      `${need.key}:${need.measure}:${bin}`,
      sql`(measure = ${need.measure} and slot = ${bin}${query.groupBy && slice.value === null ? sql` and value = ${need.key}` : sql``})`,
    );
    const [low, high] = slotWindow(bin);
    slotWindows.set(`${need.measure}:${bin}`, sql`(measure = ${need.measure} and minutes between ${low} and ${high})`);
  }
  const days = daysOutsideMonths(query.split);
  const dayArms = [...slotWindows.values()].flatMap((window) =>
    days.map(([from, to]) => sql`(${window} and day >= ${from}::date and day < ${to}::date)`),
  );
  const months =
    query.split.monthFrom !== null && query.split.monthTo !== null
      ? sql`bucket >= ${query.split.monthFrom}::date and bucket < ${query.split.monthTo}::date`
      : sql`false`;
  const hours = collect(
    await rows<CountRow>(
      db,
      sql`select key, measure, hour as at, sum(n)::float8 as n from (
        select ${query.groupBy ? sql`value` : sql`''`} as key, measure, hour, journeys as n from journey_duration_hour_rollup
        where ${sliceWhere} and ${months} and ${anyOf([...slotArms.values()])}
        union all
        select ${dayKey}, measure, minutes / 60, journeys from journey_duration_rollup
        where cohort = ${query.cohort} and ${anyOf(dayArms)} and ${rollupFilters(query.filters)}
        union all
        select ${groupColumn}, c.measure, c.minutes / 60, 1 from (${edgeRows(query)}) c
        where ${anyOf([...slotWindows.values()])}
      ) x group by 1, 2, 3 order by 1, 2, 3`,
    ),
  );
  const hourWindows = new Map<string, SQL>();
  for (const { need, rank } of wanted) {
    const [low, high] = slotWindow(rank.slot!.bin);
    const inSlot = (hours.get(need.key)?.get(need.measure) ?? []).filter(([h]) => h * 60 >= low && h * 60 <= high);
    const hour = locate(inSlot, rank.rank, rank.slot!.below);
    if (!hour) throw disagree();
    rank.hour = hour;
    hourWindows.set(`${need.measure}:${hour.bin}`, sql`(measure = ${need.measure} and minutes between ${hour.bin * 60} and ${hour.bin * 60 + 59})`);
  }

  // 3. Minutes of those hours: every whole day from the minute histogram, partial days from the journeys.
  const minutes = collect(await rows<CountRow>(db, minutesRows(query, anyOf([...hourWindows.values()]))));
  for (const { need, rank } of wanted) {
    const inHour = (minutes.get(need.key)?.get(need.measure) ?? []).filter(([m]) => Math.floor(m / 60) === rank.hour!.bin);
    const value = valueAtRank(inHour, rank.rank, rank.hour!.below);
    if (value === null) throw disagree();
    rank.value = value;
  }

  for (const need of needs) {
    answer(need.key, need.measure, {
      count: need.count,
      values: need.quantiles.map((q) =>
        need.count === 0 ? null : interpolate(q.lower.value!, q.upper.value!, q.fraction, query.unit),
      ),
    });
  }
  return answers;
}

function fromHistogram(histogram: Histogram, query: DurationQuery): DurationAnswer {
  const count = histogram.reduce((sum, [, n]) => sum + n, 0);
  return {
    count,
    values: query.quantiles.map((p) => {
      if (count === 0) return null;
      const r = quantileRanks(count, p);
      return interpolate(valueAtRank(histogram, r.lower)!, valueAtRank(histogram, r.upper)!, r.fraction, query.unit);
    }),
  };
}
