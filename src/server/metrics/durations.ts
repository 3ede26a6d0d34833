// Exact percentiles (and counts up to a bound) of durations in whole minutes, from the duration
// rollups. With at most one dimension in play (a filter, or the grouping), each rank is found in
// three narrowing steps: its slot (a day, or a week past 60 days) in the slot rollup; the hour
// within that slot in the hour rollup (whole months) and the family's minute rows (the other
// whole days); the minute within that hour from the family's minute rows. Each step reads a few
// cells per month, however many items there are. Partial days come from the items themselves.
//
// A family is one `cohort` of the slot and hour rollups with its own minute rows: the journeys'
// stage-to-stage times (minute histogram journey_duration_rollup), or a handoff's times (its
// items' stored contributions, handoff_contributions).
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '~/server/db/client';
import { interpolate, quantileRanks, slotOf, slotWindow, valueAtRank, type Histogram } from '~/lib/histogram';
import { durationContributions, slotSql } from '~/server/projector/rollups';
import type { MetricFilters } from './filters';
import { cellsWhere, daysWhere, edgesWhere, leadRollupFilters, rollupFilters, withoutParallelWorkers, type RangeSplit } from './rollupRange';

export type DurationGroup = 'source' | 'campaign_id';

/** Minutes of one measure in [low, high], of one group key when `key` is set. */
export interface MinuteWindow {
  measure: number;
  low: number;
  high: number;
  key?: string;
}

/**
 * Where a family's minutes are besides the slot and hour rollups. Each method returns rows
 * (key, measure, minutes, n): key is the group's value ('' without grouping).
 */
export interface DurationFamily {
  /** the family's `cohort` in the slot and hour rollups */
  cohort: string;
  /** the whole days [from, to) of each run, within the windows */
  wholeDays(runs: [string, string][], windows: MinuteWindow[]): SQL;
  /** every whole day of the range, within the windows (each a few minutes wide) */
  allWholeDays(windows: MinuteWindow[]): SQL;
  /** the partial days at the range's ends, within the windows (every minute when null) */
  partialDays(windows: MinuteWindow[] | null): SQL;
}

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
  /** also count the durations of at most this many minutes */
  atMost?: number;
}

export interface DurationAnswer {
  count: number;
  /** one per quantile asked, null when count is 0 */
  values: (number | null)[];
  /** durations of at most `atMost` minutes (0 when not asked) */
  atMost: number;
}

/** group key -> measure -> answer */
export type DurationAnswers = Map<string, Map<number, DurationAnswer>>;

/** A slice of the slot and hour rollups: one dimension, one value (null: every value, by group). */
export interface Slice {
  dimension: string;
  value: string | null;
}

const slotDimension: Record<keyof MetricFilters, string> = { source: 'source', campaign: 'campaign', segment: 'segment', dealType: 'deal_type' };
const groupDimension: Record<DurationGroup, string> = { source: 'source', campaign_id: 'campaign' };

/** The one single dimension the slot and hour rollups can answer from, or null (several filters). */
export function singleSlice(filters: MetricFilters, groupBy?: DurationGroup): Slice | null {
  const active = (Object.keys(filters) as (keyof MetricFilters)[]).filter((k) => filters[k] !== undefined);
  if (groupBy) {
    const dimension = groupDimension[groupBy];
    if (active.length === 0) return { dimension, value: null };
    if (active.length === 1 && slotDimension[active[0]!] === dimension) return { dimension, value: filters[active[0]!]! };
    return null;
  }
  if (active.length === 0) return { dimension: 'all', value: '' };
  if (active.length === 1) return { dimension: slotDimension[active[0]!], value: filters[active[0]!]! };
  return null;
}

const measureList = (measures: number[]) => sql`(${sql.join(measures.map((m) => sql`${m}::smallint`), sql`, `)})`;
const anyOf = (arms: SQL[]) => (arms.length === 0 ? sql`false` : sql`(${sql.join(arms, sql` or `)})`);

/** The windows as a condition on `measure`, `minutes` and (when a window names a key) `keyColumn`. */
export function windowsWhere(windows: MinuteWindow[], keyColumn: SQL | null, measure: SQL = sql.raw('measure'), minutes: SQL = sql.raw('minutes')): SQL {
  return anyOf(
    windows.map(
      (w) =>
        sql`(${measure} = ${w.measure} and ${minutes} between ${w.low} and ${w.high}${
          w.key !== undefined && keyColumn !== null ? sql` and ${keyColumn} = ${w.key}` : sql``
        })`,
    ),
  );
}

// ---------------------------------------------------------------- the journeys' family

/** The journeys' durations of a cohort: minute histogram per day and every dimension. */
export function journeyFamily(query: Pick<DurationQuery, 'cohort' | 'measures' | 'split' | 'filters' | 'groupBy'>): DurationFamily {
  const key = query.groupBy ? sql.raw(query.groupBy) : sql`''`;
  const dayTable = (where: SQL) => sql`
    select ${key} as key, measure, minutes, journeys as n from journey_duration_rollup
    where cohort = ${query.cohort} and ${where} and ${rollupFilters(query.filters)}`;
  const groupKey = query.groupBy ? sql.raw(query.groupBy) : null;
  return {
    cohort: query.cohort,
    // One index range per window and run: (cohort, measure, day, minutes).
    wholeDays: (runs, windows) =>
      dayTable(
        anyOf(
          runs.flatMap(([from, to]) =>
            windows.map((w) => sql`(measure = ${w.measure} and day >= ${from}::date and day < ${to}::date and minutes between ${w.low} and ${w.high})`),
          ),
        ),
      ),
    // One index range per window: (cohort, measure, minutes, day).
    allWholeDays: (windows) => dayTable(sql`${windowsWhere(windows, groupKey)} and ${daysWhere(query.split)}`),
    partialDays: (windows) => {
      const at = sql.raw(query.cohort === 'inquiry' ? 'l.inquiry_at' : 'l.awareness_at');
      const c = durationContributions(sql`c.cohort = ${query.cohort} and ${edgesWhere(query.split, at)} and ${leadRollupFilters(query.filters)}`);
      return sql`select ${query.groupBy ? sql.raw(`c.${query.groupBy}`) : sql`''`} as key, c.measure, c.minutes, 1 as n from (${c}) c
        where c.measure in ${measureList(query.measures)}
          and ${windows === null ? sql`true` : windowsWhere(windows, query.groupBy ? sql.raw(`c.${query.groupBy}`) : null, sql.raw('c.measure'), sql.raw('c.minutes'))}`;
    },
  };
}

export async function durationPercentiles(db: Db, query: DurationQuery): Promise<DurationAnswers> {
  const slice = singleSlice(query.filters, query.groupBy);
  return withoutParallelWorkers(db, (tx) =>
    slice === null
      ? wholeHistograms(tx, query)
      : familyPercentiles(tx, journeyFamily(query), { ...query, slice, grouped: query.groupBy !== undefined }),
  );
}

/** Several dimensions at once: the minutes of the whole range, from the minute histogram. */
async function wholeHistograms(db: Db, query: DurationQuery): Promise<DurationAnswers> {
  const family = journeyFamily(query);
  const all = query.measures.map((measure) => ({ measure, low: 0, high: 2 ** 31 - 1 }));
  const histograms = collect(
    await rows<CountRow>(
      db,
      sql`select key, measure, minutes as at, sum(n)::float8 as n from (
        select ${query.groupBy ? sql.raw(query.groupBy) : sql`''`} as key, measure, minutes, journeys as n from journey_duration_rollup
        where cohort = ${query.cohort} and measure in ${measureList(query.measures)} and ${daysWhere(query.split)} and ${rollupFilters(query.filters)}
        union all
        select key, measure, minutes, n from (${family.partialDays(all)}) e
      ) x group by 1, 2, 3 order by 1, 2, 3`,
    ),
  );
  const answers: DurationAnswers = new Map();
  for (const [key, byMeasure] of histograms) {
    for (const [measure, histogram] of byMeasure) {
      const count = histogram.reduce((sum, [, n]) => sum + n, 0);
      setAnswer(answers, key, measure, {
        count,
        values: query.quantiles.map((p) => {
          if (count === 0) return null;
          const r = quantileRanks(count, p);
          return interpolate(valueAtRank(histogram, r.lower)!, valueAtRank(histogram, r.upper)!, r.fraction, query.unit);
        }),
        atMost: query.atMost === undefined ? 0 : histogram.filter(([m]) => m <= query.atMost!).reduce((sum, [, n]) => sum + n, 0),
      });
    }
  }
  return answers;
}

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

function setAnswer(answers: DurationAnswers, key: string, measure: number, value: DurationAnswer): void {
  const byMeasure = answers.get(key) ?? new Map<number, DurationAnswer>();
  answers.set(key, byMeasure);
  byMeasure.set(measure, value);
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

/** What one percentile walk is after: a rank's value, or how many values are at most a bound. */
interface Target {
  /** a 0-based rank, or (bound) the minutes to count up to */
  rank?: number;
  bound?: number;
  slot: { bin: number; below: number };
  hour?: { bin: number; below: number };
  value?: number;
  /** bound: values at most it */
  count?: number;
}

export interface FamilyQuery {
  measures: number[];
  split: RangeSplit;
  slice: Slice;
  /** answers per value of the slice's dimension (its key), else one under '' */
  grouped: boolean;
  quantiles: number[];
  unit: number;
  atMost?: number;
}

/** Percentiles (and counts up to a bound) of a family over one slice of the slot and hour rollups. */
export async function familyPercentiles(db: Db, family: DurationFamily, query: FamilyQuery): Promise<DurationAnswers> {
  const answers: DurationAnswers = new Map();
  const { slice, split } = query;
  const sliceWhere = sql`cohort = ${family.cohort} and dimension = ${slice.dimension}
    ${slice.value === null ? sql`` : sql`and value = ${slice.value}`}`;
  const rollupKey = query.grouped ? sql`value` : sql`''`;

  // 1. Slots: whole months and days from the slot rollup, partial days from the items.
  const slots = collect(
    await rows<CountRow>(
      db,
      sql`select key, measure, slot as at, sum(n)::float8 as n from (
        select ${rollupKey} as key, measure, slot, journeys as n from journey_duration_slot_rollup
        where ${cellsWhere(sql`${sliceWhere} and measure in ${measureList(query.measures)}`, split)}
        union all
        select e.key, e.measure, ${sql.raw(slotSql('e.minutes'))}, e.n from (${family.partialDays(null)}) e
      ) x group by 1, 2, 3 order by 1, 2, 3`,
    ),
  );

  interface Need {
    key: string;
    measure: number;
    count: number;
    quantiles: { lower: Target; upper: Target; fraction: number }[];
    bound: Target | null;
  }
  const needs: Need[] = [];
  const targets: { need: Need; target: Target }[] = [];
  const disagree = () => new Error('duration rollups disagree: a rank has no cell');
  for (const [key, byMeasure] of slots) {
    for (const [measure, histogram] of byMeasure) {
      const count = histogram.reduce((sum, [, n]) => sum + n, 0);
      const byRank = new Map<number, Target>();
      const need: Need = { key, measure, count, quantiles: [], bound: null };
      const rankTarget = (rank: number): Target => {
        let target = byRank.get(rank);
        if (!target) {
          const slot = locate(histogram, rank, 0);
          if (!slot) throw disagree();
          target = { rank, slot };
          byRank.set(rank, target);
          targets.push({ need, target });
        }
        return target;
      };
      if (count > 0) {
        need.quantiles = query.quantiles.map((p) => {
          const q = quantileRanks(count, p);
          return { lower: rankTarget(q.lower), upper: rankTarget(q.upper), fraction: q.fraction };
        });
      }
      if (query.atMost !== undefined) {
        const bin = slotOf(query.atMost);
        const below = histogram.filter(([s]) => s < bin).reduce((sum, [, n]) => sum + n, 0);
        need.bound = { bound: query.atMost, slot: { bin, below } };
        // Only a slot the range has values in needs reading further.
        if (histogram.some(([s]) => s === bin)) targets.push({ need, target: need.bound });
        else need.bound.count = below;
      }
      needs.push(need);
    }
  }

  if (targets.length > 0) {
    // 2. Hours of those slots: whole months from the hour rollup, the other whole days and the
    // partial days from the family's minutes.
    const slotArms = new Map<string, SQL>();
    const slotWindows = new Map<string, MinuteWindow>();
    for (const { need, target } of targets) {
      const bin = target.slot.bin;
      slotArms.set(
        `${need.key}:${need.measure}:${bin}`,
        sql`(measure = ${need.measure} and slot = ${bin}${query.grouped && slice.value === null ? sql` and value = ${need.key}` : sql``})`,
      );
      const [low, high] = slotWindow(bin);
      slotWindows.set(`${need.measure}:${bin}`, { measure: need.measure, low, high });
    }
    const months =
      split.monthFrom !== null && split.monthTo !== null
        ? sql`bucket >= ${split.monthFrom}::date and bucket < ${split.monthTo}::date`
        : sql`false`;
    const runs = daysOutsideMonths(split);
    const windows = [...slotWindows.values()];
    const hours = collect(
      await rows<CountRow>(
        db,
        sql`select key, measure, hour as at, sum(n)::float8 as n from (
          select ${rollupKey} as key, measure, hour, journeys as n from journey_duration_hour_rollup
          where ${sliceWhere} and ${months} and ${anyOf([...slotArms.values()])}
          ${runs.length === 0 ? sql`` : sql`union all select d.key, d.measure, d.minutes / 60, d.n from (${family.wholeDays(runs, windows)}) d`}
          union all
          select e.key, e.measure, e.minutes / 60, e.n from (${family.partialDays(windows)}) e
        ) x group by 1, 2, 3 order by 1, 2, 3`,
      ),
    );
    const hourWindows = new Map<string, MinuteWindow>();
    for (const { need, target } of targets) {
      const [low, high] = slotWindow(target.slot.bin);
      const inSlot = (hours.get(need.key)?.get(need.measure) ?? []).filter(([h]) => h * 60 >= low && h * 60 <= high);
      if (target.rank !== undefined) {
        const hour = locate(inSlot, target.rank, target.slot.below);
        if (!hour) throw disagree();
        target.hour = hour;
      } else {
        const bin = Math.floor(target.bound! / 60);
        target.hour = { bin, below: target.slot.below + inSlot.filter(([h]) => h < bin).reduce((sum, [, n]) => sum + n, 0) };
      }
      const bin = target.hour.bin;
      hourWindows.set(`${need.measure}:${bin}`, { measure: need.measure, low: bin * 60, high: bin * 60 + 59 });
    }

    // 3. Minutes of those hours: every whole day and the partial days from the family's minutes.
    const hourList = [...hourWindows.values()];
    const minutes = collect(
      await rows<CountRow>(
        db,
        sql`select key, measure, minutes as at, sum(n)::float8 as n from (
          select d.key, d.measure, d.minutes, d.n from (${family.allWholeDays(hourList)}) d
          union all
          select e.key, e.measure, e.minutes, e.n from (${family.partialDays(hourList)}) e
        ) x group by 1, 2, 3 order by 1, 2, 3`,
      ),
    );
    for (const { need, target } of targets) {
      const inHour = (minutes.get(need.key)?.get(need.measure) ?? []).filter(([m]) => Math.floor(m / 60) === target.hour!.bin);
      if (target.rank !== undefined) {
        const value = valueAtRank(inHour, target.rank, target.hour!.below);
        if (value === null) throw disagree();
        target.value = value;
      } else {
        target.count = target.hour!.below + inHour.filter(([m]) => m <= target.bound!).reduce((sum, [, n]) => sum + n, 0);
      }
    }
  }

  for (const need of needs) {
    setAnswer(answers, need.key, need.measure, {
      count: need.count,
      values: need.count === 0 ? query.quantiles.map(() => null) : need.quantiles.map((q) => interpolate(q.lower.value!, q.upper.value!, q.fraction, query.unit)),
      atMost: need.bound?.count ?? 0,
    });
  }
  return answers;
}

/**
 * How many of one measure's durations in one slice are at most `bound` minutes, in one read (what
 * an SLA share needs, without a percentile's walk): the slots below the bound's slot from the slot
 * rollup; within the bound's slot, the whole hours below the bound's hour from the hour rollup
 * (whole months) or the family's minutes (other whole days); the bound's hour from the family's
 * minutes on every whole day; the partial days from the family's minutes.
 */
export async function familyCountAtMost(
  db: Db,
  family: DurationFamily,
  query: { measure: number; split: RangeSplit; slice: Slice; bound: number },
): Promise<number> {
  const { measure, split, slice, bound } = query;
  const sliceWhere = sql`cohort = ${family.cohort} and dimension = ${slice.dimension} and value = ${slice.value ?? ''} and measure = ${measure}`;
  const bin = slotOf(bound);
  const [slotLow] = slotWindow(bin);
  const hour = Math.floor(bound / 60);
  const months =
    split.monthFrom !== null && split.monthTo !== null ? sql`bucket >= ${split.monthFrom}::date and bucket < ${split.monthTo}::date` : sql`false`;
  const runs = daysOutsideMonths(split);
  const parts: SQL[] = [
    sql`select journeys as n from journey_duration_slot_rollup where ${cellsWhere(sql`${sliceWhere} and slot < ${bin}`, split)}`,
    sql`select journeys from journey_duration_hour_rollup where ${sliceWhere} and ${months} and slot = ${bin} and hour < ${hour}`,
    sql`select d.n from (${family.allWholeDays([{ measure, low: hour * 60, high: bound }])}) d`,
    sql`select e.n from (${family.partialDays([{ measure, low: 0, high: bound }])}) e`,
  ];
  if (runs.length > 0 && slotLow <= hour * 60 - 1) parts.push(sql`select d.n from (${family.wholeDays(runs, [{ measure, low: slotLow, high: hour * 60 - 1 }])}) d`);
  const [row] = await rows<{ n: number | string }>(db, sql`select coalesce(sum(n), 0)::float8 as n from (${sql.join(parts, sql` union all `)}) x`);
  return Number(row?.n ?? 0);
}
