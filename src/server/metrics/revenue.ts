// Revenue and pipeline for the Overview: revenue won in the range (opportunities whose win falls in
// it) and the open pipeline (opportunities open now, created before the range ends).
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { dbNumber, typedOne, type Db } from '~/server/db/client';
import { inRange, opportunityFilters, toDate, type DateRange, type MetricFilters } from './filters';

export interface RevenueSummary {
  wonDeals: number;
  wonRevenueCents: number;
  openDeals: number;
  openPipelineCents: number;
}

export async function revenueSummary(db: Db, input: { range: DateRange; filters?: MetricFilters }): Promise<RevenueSummary> {
  const filters = opportunityFilters(input.filters ?? {});
  const row = await typedOne(
    db,
    sql`select
      count(*) filter (where o.status = 'won' and ${inRange(sql`o.won_at`, input.range)})::int as won_deals,
      coalesce(sum(o.amount_cents) filter (where o.status = 'won' and ${inRange(sql`o.won_at`, input.range)}), 0)::float8 as won_revenue,
      count(*) filter (where o.status = 'open' and o.created_at < ${toDate(input.range.to).toISOString()}::timestamptz)::int as open_deals,
      coalesce(sum(o.amount_cents) filter (where o.status = 'open' and o.created_at < ${toDate(input.range.to).toISOString()}::timestamptz), 0)::float8 as open_pipeline
    from opportunities o where ${filters}`,
    z.object({ won_deals: dbNumber, won_revenue: dbNumber, open_deals: dbNumber, open_pipeline: dbNumber }),
  );
  return {
    wonDeals: row.won_deals,
    wonRevenueCents: row.won_revenue,
    openDeals: row.open_deals,
    openPipelineCents: row.open_pipeline,
  };
}
