// Reference implementation of the funnel reports: computed over the journeys' rows, as the
// reports were before the rollups. Tests and the query benchmark compare the rollups with it;
// the app never calls it.
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { dbNumber, typedOne, typedRows, type Db } from '~/server/db/client';
import { ratio } from '~/lib/stats';
import { daysBetween, inRange, journeyFilters, type MetricFilters, type DateRange } from '../filters';
import { stages, type CohortBy, type CohortMonth, type FunnelReport, type Stage } from '../funnel';


interface Cohort {
  range: DateRange;
  filters?: MetricFilters;
  cohortBy?: CohortBy;
}

const reachColumn = (s: Stage): SQL => sql.raw(`l.${s}_at`);

const numbers = <K extends string, C extends z.ZodType>(names: readonly K[], column: C) =>
  Object.fromEntries(names.map((name) => [name, column])) as Record<K, C>;
/** Stage counts, and per step the median and p75 days (null without a journey) and the journeys. */
const funnelRow = z.record(z.string(), dbNumber.nullable());
const trendRow = z.object({ month: z.string(), ...numbers(stages, dbNumber) });

/** The journeys of the cohort, as a where clause over `leads l`. */
function cohortWhere(cohort: Cohort): SQL {
  const by = cohort.cohortBy ?? 'inquiry';
  return sql`${inRange(reachColumn(by), cohort.range)} and ${journeyFilters(cohort.filters ?? {})}`;
}

export async function funnelReference(db: Db, cohort: Cohort): Promise<FunnelReport> {
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
  const row = await typedOne(db, sql`select ${sql.join(columns, sql`, `)} from leads l where ${cohortWhere(cohort)}`, funnelRow);
  const count = (s: Stage) => row[s] ?? 0;
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
            : { medianDays: row[`median_${k}`] ?? null, p75Days: row[`p75_${k}`] ?? null, journeys: row[`both_${k}`] ?? 0 },
      };
    }),
  };
}

// ---------------------------------------------------------------- trend

/** Stage counts of each monthly cohort within the range, oldest first; months without journeys are left out. */
export async function cohortTrendReference(db: Db, cohort: Cohort): Promise<CohortMonth[]> {
  const by = reachColumn(cohort.cohortBy ?? 'inquiry');
  const found = await typedRows(
    db,
    sql`select to_char(date_trunc('month', ${by} at time zone 'UTC'), 'YYYY-MM') as month,
      ${sql.join(
        stages.map((s) => sql`count(${reachColumn(s)})::int as ${sql.raw(s)}`),
        sql`, `,
      )}
    from leads l where ${cohortWhere(cohort)}
    group by 1 order by 1`,
    trendRow,
  );
  return found.map((row) => ({
    month: row.month,
    counts: Object.fromEntries(stages.map((s) => [s, row[s]])) as Record<Stage, number>,
  }));
}

