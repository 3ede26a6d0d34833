// Reference implementation of the funnel reports: computed over the journeys' rows, as the
// reports were before the rollups. Tests and the query benchmark compare the rollups with it;
// the app never calls it.
import { sql, type SQL } from 'drizzle-orm';
import { one, rows, type Db } from '~/server/db/client';
import { ratio } from '~/lib/stats';
import { daysBetween, inRange, journeyFilters, type MetricFilters, type DateRange } from '../filters';
import { stages, type CohortBy, type CohortMonth, type FunnelReport, type Stage } from '../funnel';


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

/** Stage counts of each monthly cohort within the range, oldest first; months without journeys are left out. */
export async function cohortTrendReference(db: Db, cohort: Cohort): Promise<CohortMonth[]> {
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

