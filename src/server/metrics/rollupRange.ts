// How a report reads a date range from the rollups: whole months from the month cells, the
// remaining whole days from the day cells, and the partial days at either end (a range that
// does not start or end at UTC midnight) from the journeys themselves, through the same
// contribution queries the projector fills the rollups with. The answer is exact either way.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '~/server/db/client';
import { toDate, type DateRange, type MetricFilters } from './filters';

const DAY_MS = 86_400_000;

export interface RangeSplit {
  /** whole days [dayFrom, dayTo), YYYY-MM-DD; null when the range holds no whole day */
  dayFrom: string | null;
  dayTo: string | null;
  /** whole months [monthFrom, monthTo) inside the whole days; null when none */
  monthFrom: string | null;
  monthTo: string | null;
  /** instants [from, to) outside the whole days */
  edges: { from: Date; to: Date }[];
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const monthStart = (ms: number) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
const nextMonth = (ms: number) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
};

export function splitRange(range: DateRange): RangeSplit {
  const from = toDate(range.from).getTime();
  const to = toDate(range.to).getTime();
  const d0 = Math.ceil(from / DAY_MS) * DAY_MS;
  const d1 = Math.floor(to / DAY_MS) * DAY_MS;
  if (d0 >= d1) return { dayFrom: null, dayTo: null, monthFrom: null, monthTo: null, edges: [{ from: new Date(from), to: new Date(to) }] };
  const edges: { from: Date; to: Date }[] = [];
  if (from < d0) edges.push({ from: new Date(from), to: new Date(d0) });
  if (d1 < to) edges.push({ from: new Date(d1), to: new Date(to) });
  const m0 = monthStart(d0) === d0 ? d0 : nextMonth(d0);
  const m1 = monthStart(d1);
  const months = m0 < m1;
  return {
    dayFrom: isoDay(d0),
    dayTo: isoDay(d1),
    monthFrom: months ? isoDay(m0) : null,
    monthTo: months ? isoDay(m1) : null,
    edges,
  };
}

/** Rollup cells (`grain`, `bucket`) that cover the whole days of the split, each day once. */
export function bucketsWhere(split: RangeSplit): SQL {
  return cellsWhere(sql`true`, split);
}

/**
 * `base` and the cells of the split, written as one arm per grain and bucket range, each with
 * `base` in it: so every arm is one range of an index that starts with base's columns, then
 * grain and bucket (an OR of bucket ranges outside `base` would scan every bucket).
 */
export function cellsWhere(base: SQL, split: RangeSplit): SQL {
  const arms: SQL[] = [];
  const arm = (grain: string, from: string, to: string) => {
    if (from < to) arms.push(sql`(${base} and grain = ${grain} and bucket >= ${from}::date and bucket < ${to}::date)`);
  };
  if (split.dayFrom !== null && split.dayTo !== null) {
    if (split.monthFrom === null || split.monthTo === null) arm('day', split.dayFrom, split.dayTo);
    else {
      arm('month', split.monthFrom, split.monthTo);
      arm('day', split.dayFrom, split.monthFrom);
      arm('day', split.monthTo, split.dayTo);
    }
  }
  return arms.length === 0 ? sql`false` : sql`(${sql.join(arms, sql` or `)})`;
}

/** Day-grain rows (`day` column) of the whole days. */
export function daysWhere(split: RangeSplit, column: SQL = sql.raw('day')): SQL {
  if (split.dayFrom === null || split.dayTo === null) return sql`false`;
  return sql`(${column} >= ${split.dayFrom}::date and ${column} < ${split.dayTo}::date)`;
}

/** `column` (an instant) within the partial days. */
export function edgesWhere(split: RangeSplit, column: SQL): SQL {
  if (split.edges.length === 0) return sql`false`;
  return sql`(${sql.join(
    split.edges.map((e) => sql`(${column} >= ${e.from.toISOString()}::timestamptz and ${column} < ${e.to.toISOString()}::timestamptz)`),
    sql` or `,
  )})`;
}

/** The filters on a rollup row with the journey dimension columns (source, campaign_id, segment, deal_type). */
export function rollupFilters(filters: MetricFilters, alias = ''): SQL {
  const col = (name: string) => sql.raw(alias ? `${alias}.${name}` : name);
  const parts: SQL[] = [sql`true`];
  if (filters.source !== undefined) parts.push(sql`${col('source')} = ${filters.source}`);
  if (filters.campaign !== undefined) parts.push(sql`${col('campaign_id')} = ${filters.campaign}`);
  if (filters.segment !== undefined) parts.push(sql`${col('segment')} = ${filters.segment}`);
  if (filters.dealType !== undefined) parts.push(sql`${col('deal_type')} = ${filters.dealType}`);
  return sql`(${sql.join(parts, sql` and `)})`;
}

/** The same filters on a `leads l` row, through the columns the projector keeps for the rollups. */
export function leadRollupFilters(filters: MetricFilters): SQL {
  const parts: SQL[] = [sql`true`];
  if (filters.source !== undefined) parts.push(sql`l.source = ${filters.source}`);
  if (filters.campaign !== undefined) parts.push(sql`l.campaign_id = ${filters.campaign}`);
  if (filters.segment !== undefined) parts.push(sql`l.segment = ${filters.segment}`);
  if (filters.dealType !== undefined) parts.push(sql`l.deal_type = ${filters.dealType}`);
  return sql`(${sql.join(parts, sql` and `)})`;
}

/**
 * Runs a few small rollup reads in one transaction without parallel workers: each reads a few
 * hundred index entries, and starting workers for it (which the planner may choose for a read
 * with many index arms) costs more than the read on a busy machine.
 */
export async function withoutParallelWorkers<T>(db: Db, read: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local max_parallel_workers_per_gather = 0`);
    return read(tx);
  });
}
