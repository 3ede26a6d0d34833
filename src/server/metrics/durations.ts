// Exact percentiles of journey durations (whole minutes) from the duration rollups. With at most
// one dimension in play (a filter, or the grouping), a percentile first finds its coarse slot in
// the slot rollup, then reads only that slot's minutes; otherwise it reads the minutes whole.
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { dbNumber, typedRows, type Db } from '~/server/db/client';
import { interpolate, quantileRanks, slotOf, slotWindow, valueAtRank, type Histogram } from '~/lib/histogram';
import { durationContributions, slotSql } from '~/server/projector/rollups';
import type { MetricFilters } from './filters';
import { cellsWhere, daysWhere, edgesWhere, leadRollupFilters, rollupFilters, type RangeSplit } from './rollupRange';

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

/** The one marginal dimension the slot rollup can answer the query from, or null. */
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

const countRow = z.object({ key: z.string(), measure: dbNumber, at: dbNumber, n: dbNumber });
type CountRow = z.output<typeof countRow>;

function collect(found: CountRow[]): Map<string, Map<number, [number, number][]>> {
  const out = new Map<string, Map<number, [number, number][]>>();
  for (const row of found) {
    const byMeasure = out.get(row.key) ?? new Map<number, [number, number][]>();
    out.set(row.key, byMeasure);
    const list = byMeasure.get(row.measure) ?? [];
    byMeasure.set(row.measure, list);
    list.push([row.at, row.n]);
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

export async function durationPercentiles(db: Db, query: DurationQuery): Promise<DurationAnswers> {
  const answers: DurationAnswers = new Map();
  const answer = (key: string, measure: number, value: DurationAnswer) => {
    const byMeasure = answers.get(key) ?? new Map<number, DurationAnswer>();
    answers.set(key, byMeasure);
    byMeasure.set(measure, value);
  };
  const slice = slotSlice(query);

  if (slice === null) {
    // Several dimensions at once: the minutes of the whole range.
    const histograms = collect(await typedRows(db, minutesRows(query, sql`true`), countRow));
    for (const [key, byMeasure] of histograms) {
      for (const [measure, histogram] of byMeasure) answer(key, measure, fromHistogram(histogram, query));
    }
    return answers;
  }

  // Grouped: the key is the group's value; otherwise one answer under ''.
  const slotKey = query.groupBy ? sql`value` : sql`''`;
  const edgeKey = query.groupBy ? sql.raw(`c.${query.groupBy}`) : sql`''`;
  const slots = collect(
    await typedRows(
      db,
      sql`select key, measure, slot as at, sum(n)::float8 as n from (
        select ${slotKey} as key, measure, slot, journeys as n from journey_duration_slot_rollup
        where ${cellsWhere(
          sql`cohort = ${query.cohort} and measure in ${measureList(query.measures)} and dimension = ${slice.dimension}
            ${slice.value === null ? sql`` : sql`and value = ${slice.value}`}`,
          query.split,
        )}
        union all
        select ${edgeKey}, c.measure, ${sql.raw(slotSql('c.minutes'))}, 1 from (${edgeRows(query)}) c
        where c.measure in ${measureList(query.measures)}
      ) x group by 1, 2, 3 order by 1, 2, 3`,
      countRow,
    ),
  );

  // For every group, measure and quantile: the slots holding its two ranks, and what lies below.
  interface Need {
    key: string;
    measure: number;
    count: number;
    ranks: { lower: number; upper: number; fraction: number }[];
    slots: Map<number, number>; // slot -> values below it
  }
  const needs: Need[] = [];
  for (const [key, byMeasure] of slots) {
    for (const [measure, histogram] of byMeasure) {
      const count = histogram.reduce((sum, [, n]) => sum + n, 0);
      const ranks = query.quantiles.map((p) => quantileRanks(count, p));
      const wanted = new Map<number, number>();
      for (const rank of ranks.flatMap((r) => [r.lower, r.upper])) {
        let below = 0;
        for (const [slot, n] of histogram) {
          if (rank < below + n) {
            wanted.set(slot, below);
            break;
          }
          below += n;
        }
      }
      needs.push({ key, measure, count, ranks, slots: wanted });
    }
  }
  if (needs.length === 0) return answers;

  const windows = new Set<string>();
  const windowSql: SQL[] = [];
  for (const need of needs) {
    for (const slot of need.slots.keys()) {
      const id = `${need.measure}:${slot}`;
      if (windows.has(id)) continue;
      windows.add(id);
      const [low, high] = slotWindow(slot);
      windowSql.push(sql`(measure = ${need.measure} and minutes between ${low} and ${high})`);
    }
  }
  const fine = collect(await typedRows(db, minutesRows(query, sql`(${sql.join(windowSql, sql` or `)})`), countRow));

  for (const need of needs) {
    const minutes = fine.get(need.key)?.get(need.measure) ?? [];
    const valueAt = (rank: number): number => {
      for (const [slot, below] of need.slots) {
        const [low, high] = slotWindow(slot);
        const inSlot = minutes.filter(([m]) => m >= low && m <= high && slotOf(m) === slot);
        const value = valueAt2(inSlot, rank, below);
        if (value !== null) return value;
      }
      throw new Error('duration rollups disagree: a rank has no minutes');
    };
    answer(need.key, need.measure, {
      count: need.count,
      values: need.ranks.map((r) => (need.count === 0 ? null : interpolate(valueAt(r.lower), valueAt(r.upper), r.fraction, query.unit))),
    });
  }
  return answers;
}

/** valueAtRank restricted to ranks the slot holds. */
function valueAt2(histogram: Histogram, rank: number, below: number): number | null {
  if (rank < below) return null;
  return valueAtRank(histogram, rank, below);
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
