// The buyer-journey funnel: how many journeys of a cohort reached each of the seven stages, how
// many moved on to the next, how fast, and who they are.
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { dbNumber, typedOne, typedRows, type Db } from '~/server/db/client';
import { ratio } from '~/lib/stats';
import { cohortContributions } from '~/server/projector/rollups';
import { durationPercentiles } from './durations';
import { metricInput, type MetricFilters, type DateRange } from './filters';
import { cellsWhere, edgesWhere, leadRollupFilters, rollupFilters, splitRange } from './rollupRange';

export const stages = ['awareness', 'inquiry', 'qualification', 'conversion', 'retention', 'expansion', 'advocacy'] as const;
export type Stage = (typeof stages)[number];
export const stage = z.enum(stages);

/** One number per stage, as a query hands it over. */
const stageNumbers = z.object(Object.fromEntries(stages.map((s) => [s, dbNumber])) as Record<Stage, typeof dbNumber>);

export interface StageCount {
  stage: Stage;
  journeys: number;
}

/** Journeys that reached at least each stage, over the whole read model. */
export async function stageCounts(db: Db): Promise<StageCount[]> {
  const row = await typedOne(
    db,
    sql`select
      count(awareness_at)::int as awareness, count(inquiry_at)::int as inquiry,
      count(qualification_at)::int as qualification, count(conversion_at)::int as conversion,
      count(retention_at)::int as retention, count(expansion_at)::int as expansion,
      count(advocacy_at)::int as advocacy
    from leads`,
    stageNumbers,
  );
  return stages.map((stage) => ({ stage, journeys: row[stage] }));
}

// ---------------------------------------------------------------- cohorts

export const cohortBy = z.enum(['inquiry', 'awareness']);
export type CohortBy = z.infer<typeof cohortBy>;

export const funnelInput = metricInput.extend({ cohortBy: cohortBy.default('inquiry') });
export type FunnelInput = z.input<typeof funnelInput>;

export interface Cohort {
  range: DateRange;
  filters?: MetricFilters;
  cohortBy?: CohortBy;
}

const reachColumn = (s: Stage): SQL => sql.raw(`l.${s}_at`);

export interface Velocity {
  /** days between the two reach times, over the journeys that reached both */
  medianDays: number | null;
  p75Days: number | null;
  journeys: number;
}

export interface FunnelStage {
  stage: Stage;
  journeys: number;
  /** count(next) / count(this); null for the last stage or when this count is 0 */
  conversionToNext: number | null;
  /** null for the last stage */
  velocityToNext: Velocity | null;
}

export interface FunnelReport {
  cohortBy: CohortBy;
  stages: FunnelStage[];
}

/** The cohort's cells: rollup rows of the whole days, contributions of the partial days. */
export function cohortCells(cohort: Cohort): SQL {
  const by = cohort.cohortBy ?? 'inquiry';
  const split = splitRange(cohort.range);
  const filters = cohort.filters ?? {};
  return sql`
    select bucket as day, ${sql.raw(cohortCellColumns)} from journey_cohort_rollup
    where ${cellsWhere(sql`cohort = ${by}`, split)} and ${rollupFilters(filters)}
    union all
    select c.day, ${sql.raw(cohortCellColumns.replaceAll(/(^|, )/g, '$1c.'))} from (${cohortContributions(
      sql`c.cohort = ${by} and ${edgesWhere(split, reachColumn(by))} and ${leadRollupFilters(filters)}`,
    )}) c`;
}

const cohortCellColumns =
  'source, campaign_id, segment, deal_type, disqualified_reason, journeys, awareness, inquiry, qualification, conversion, ' +
  'retention, expansion, advocacy, disqualified, followed_up, closed_unfollowed, won_revenue_cents';

const stageSums = sql.raw(stages.map((s) => `coalesce(sum(${s}), 0)::float8 as ${s}`).join(', '));

export async function funnel(db: Db, cohort: Cohort): Promise<FunnelReport> {
  const by = cohort.cohortBy ?? 'inquiry';
  const [row, velocities] = await Promise.all([
    typedOne(db, sql`select ${stageSums} from (${cohortCells(cohort)}) x`, stageNumbers),
    durationPercentiles(db, {
      cohort: by,
      measures: [0, 1, 2, 3, 4, 5],
      split: splitRange(cohort.range),
      filters: cohort.filters ?? {},
      quantiles: [0.5, 0.75],
      unit: 1440,
    }),
  ]);
  const count = (s: Stage) => row[s];
  return {
    cohortBy: by,
    stages: stages.map((s, k) => {
      const next = stages[k + 1];
      const velocity = velocities.get('')?.get(k);
      return {
        stage: s,
        journeys: count(s),
        conversionToNext: next === undefined ? null : ratio(count(next), count(s)),
        velocityToNext:
          next === undefined
            ? null
            : { medianDays: velocity?.values[0] ?? null, p75Days: velocity?.values[1] ?? null, journeys: velocity?.count ?? 0 },
      };
    }),
  };
}

// ---------------------------------------------------------------- trend

export interface CohortMonth {
  /** YYYY-MM (UTC) of the cohort date */
  month: string;
  counts: Record<Stage, number>;
}

/** Stage counts of each monthly cohort within the range, oldest first; months without journeys are left out. */
export async function cohortTrend(db: Db, cohort: Cohort): Promise<CohortMonth[]> {
  const found = await typedRows(
    db,
    sql`select to_char(day, 'YYYY-MM') as month, ${stageSums}
    from (${cohortCells(cohort)}) x
    group by 1 having sum(journeys) > 0 order by 1`,
    stageNumbers.extend({ month: z.string() }),
  );
  return found.map(({ month, ...counts }) => ({ month, counts }));
}
