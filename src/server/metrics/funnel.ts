// The buyer-journey funnel: how many journeys of a cohort reached each of the seven stages, how
// many moved on to the next, how fast, and who they are.
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { one, rows, type Db } from '~/server/db/client';
import { ratio } from '~/lib/stats';
import { daysBetween, inRange, journeyFilters, metricInput, type MetricFilters, type DateRange } from './filters';

export const stages = ['awareness', 'inquiry', 'qualification', 'conversion', 'retention', 'expansion', 'advocacy'] as const;
export type Stage = (typeof stages)[number];
export const stage = z.enum(stages);

export interface StageCount {
  stage: Stage;
  journeys: number;
}

/** Journeys that reached at least each stage, over the whole read model. */
export async function stageCounts(db: Db): Promise<StageCount[]> {
  const row = await one<Record<Stage, number | string>>(
    db,
    sql`select
      count(awareness_at)::int as awareness, count(inquiry_at)::int as inquiry,
      count(qualification_at)::int as qualification, count(conversion_at)::int as conversion,
      count(retention_at)::int as retention, count(expansion_at)::int as expansion,
      count(advocacy_at)::int as advocacy
    from leads`,
  );
  return stages.map((stage) => ({ stage, journeys: Number(row[stage]) }));
}

// ---------------------------------------------------------------- cohorts

export const cohortBy = z.enum(['inquiry', 'awareness']);
export type CohortBy = z.infer<typeof cohortBy>;

export const funnelInput = metricInput.extend({ cohortBy: cohortBy.default('inquiry') });
export type FunnelInput = z.input<typeof funnelInput>;

interface Cohort {
  range: DateRange;
  filters?: MetricFilters;
  cohortBy?: CohortBy;
}

const reachColumn = (s: Stage): SQL => sql.raw(`l.${s}_at`);

/** The journeys of the cohort, as a where clause over `leads l`. */
function cohortWhere(cohort: Cohort): SQL {
  const by = cohort.cohortBy ?? 'inquiry';
  return sql`${inRange(reachColumn(by), cohort.range)} and ${journeyFilters(cohort.filters ?? {})}`;
}

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

export async function funnel(db: Db, cohort: Cohort): Promise<FunnelReport> {
  const columns: SQL[] = stages.map((s) => sql`count(${reachColumn(s)})::int as ${sql.raw(s)}`);
  stages.slice(0, -1).forEach((s, k) => {
    const next = stages[k + 1]!;
    const days = daysBetween(reachColumn(s), reachColumn(next));
    columns.push(
      sql`(percentile_cont(0.5) within group (order by ${days}))::float8 as ${sql.raw(`median_${k}`)}`,
      sql`(percentile_cont(0.75) within group (order by ${days}))::float8 as ${sql.raw(`p75_${k}`)}`,
      sql`count(${days})::int as ${sql.raw(`both_${k}`)}`,
    );
  });
  const row = await one<Record<string, number | string | null>>(
    db,
    sql`select ${sql.join(columns, sql`, `)} from leads l where ${cohortWhere(cohort)}`,
  );
  const count = (s: Stage) => Number(row[s]);
  const nullable = (value: number | string | null | undefined) => (value === null || value === undefined ? null : Number(value));
  return {
    cohortBy: cohort.cohortBy ?? 'inquiry',
    stages: stages.map((s, k) => {
      const next = stages[k + 1];
      return {
        stage: s,
        journeys: count(s),
        conversionToNext: next === undefined ? null : ratio(count(next), count(s)),
        velocityToNext:
          next === undefined
            ? null
            : { medianDays: nullable(row[`median_${k}`]), p75Days: nullable(row[`p75_${k}`]), journeys: Number(row[`both_${k}`]) },
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
  const by = reachColumn(cohort.cohortBy ?? 'inquiry');
  const found = await rows<Record<string, number | string>>(
    db,
    sql`select to_char(date_trunc('month', ${by} at time zone 'UTC'), 'YYYY-MM') as month,
      ${sql.join(
        stages.map((s) => sql`count(${reachColumn(s)})::int as ${sql.raw(s)}`),
        sql`, `,
      )}
    from leads l where ${cohortWhere(cohort)}
    group by 1 order by 1`,
  );
  return found.map((row) => ({
    month: String(row.month),
    counts: Object.fromEntries(stages.map((s) => [s, Number(row[s])])) as Record<Stage, number>,
  }));
}
