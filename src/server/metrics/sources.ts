// Lead-to-close by source and by campaign: what each source's leads of the cohort became, what
// they brought in, and what the source cost.
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { dbNumber, typedOne, typedRows, type Db } from '~/server/db/client';
import { ratio } from '~/lib/stats';
import { MEASURE_INQUIRY_TO_CONVERSION } from '~/server/projector/rollups';
import { durationPercentiles, type DurationGroup } from './durations';
import { toDate, type DateRange, type MetricFilters } from './filters';
import { cohortCells } from './funnel';
import { bucketsWhere, splitRange } from './rollupRange';

export interface LeadToClose {
  leads: number;
  /** leads that reached qualification */
  qualified: number;
  /** leads that reached conversion */
  won: number;
  qualificationRate: number | null;
  winRate: number | null;
  /** sum of the amounts of the won opportunities naming these leads */
  wonRevenueCents: number;
  /** median days from inquiry to conversion over the won leads */
  medianDaysToConversion: number | null;
  /** campaign spend dated in the range for this channel or campaign */
  spendCents: number;
  /** spend / won */
  cacCents: number | null;
  /** (won revenue - spend) / spend */
  roi: number | null;
}

export interface SourceRow extends LeadToClose {
  source: string;
}

export interface CampaignRow extends LeadToClose {
  /** null for the leads that name no campaign */
  campaignId: string | null;
  campaignName: string | null;
  channel: string | null;
}

export interface SourcesReport {
  total: LeadToClose;
  bySource: SourceRow[];
  byCampaign: CampaignRow[];
}

interface Input {
  range: DateRange;
  filters?: MetricFilters;
}

type Grouping = 'source' | 'campaign' | 'total';

const rawRow = z.object({
  key: z.string().nullable(),
  leads: dbNumber.nullable(),
  qualified: dbNumber.nullable(),
  won: dbNumber.nullable(),
  won_revenue: dbNumber.nullable(),
  median_days: dbNumber.nullable(),
  spend: dbNumber.nullable(),
});
type RawRow = z.output<typeof rawRow>;

const cellKey: Record<Grouping, SQL> = {
  source: sql`source`,
  campaign: sql`nullif(campaign_id, '')`,
  total: sql`'all'::text`,
};
const spendKey: Record<Grouping, SQL> = {
  source: sql`sc.channel`,
  campaign: sql`s.campaign_id`,
  total: sql`'all'::text`,
};
const durationGroup: Record<Grouping, DurationGroup | undefined> = { source: 'source', campaign: 'campaign_id', total: undefined };

/** Spend is dated by day: the days whose midnight falls in the range. */
function spendDays(range: DateRange): DateRange {
  const day = (value: string) => new Date(Math.ceil(toDate(value).getTime() / 86_400_000) * 86_400_000).toISOString();
  return { from: day(range.from), to: day(range.to) };
}

async function leadToCloseRows(db: Db, input: Input, by: Grouping): Promise<RawRow[]> {
  const filters = input.filters ?? {};
  // Spend of a campaign never upserted has no channel: it counts in the campaign rows and the total only.
  const spendJoin = by === 'source' || filters.source !== undefined ? sql`join campaigns sc on sc.campaign_id = s.campaign_id` : sql``;
  const spendWhere = [sql`true`];
  if (filters.campaign !== undefined) spendWhere.push(sql`s.campaign_id = ${filters.campaign}`);
  if (filters.source !== undefined) spendWhere.push(sql`sc.channel = ${filters.source}`);
  const days = spendDays(input.range);
  const spendBuckets = toDate(days.from).getTime() < toDate(days.to).getTime() ? bucketsWhere(splitRange(days)) : sql`false`;
  const [found, medians] = await Promise.all([
    typedRows(
      db,
      sql`with lead_stats as (
        select ${cellKey[by]} as key, sum(journeys)::int as leads, sum(qualification)::int as qualified, sum(conversion)::int as won,
          sum(won_revenue_cents)::float8 as won_revenue
        from (${cohortCells({ range: input.range, filters, cohortBy: 'inquiry' })}) c
        group by 1 having sum(journeys) > 0
      ),
      spend as (
        select ${spendKey[by]} as key, sum(s.amount_cents)::float8 as spend
        from spend_rollup s ${spendJoin}
        where ${spendBuckets} and ${sql.join(spendWhere, sql` and `)}
        group by 1
      )
      select coalesce(ls.key, sp.key) as key, ls.leads, ls.qualified, ls.won, ls.won_revenue, null as median_days, sp.spend
      from lead_stats ls
      full join spend sp on sp.key = ls.key
      order by coalesce(ls.leads, 0) desc, 1 nulls last`,
      rawRow,
    ),
    durationPercentiles(db, {
      cohort: 'inquiry',
      measures: [MEASURE_INQUIRY_TO_CONVERSION],
      split: splitRange(input.range),
      filters,
      groupBy: durationGroup[by],
      quantiles: [0.5],
      unit: 1440,
    }),
  ]);
  return found.map((row) => {
    const key = by === 'total' ? '' : (row.key ?? '');
    const median = row.leads === null ? null : (medians.get(key)?.get(MEASURE_INQUIRY_TO_CONVERSION)?.values[0] ?? null);
    return { ...row, won_revenue: row.leads === null ? null : row.won_revenue, median_days: median };
  });
}

function figures(row: RawRow | undefined): LeadToClose {
  const leads = row?.leads ?? 0;
  const qualified = row?.qualified ?? 0;
  const won = row?.won ?? 0;
  const wonRevenueCents = row?.won_revenue ?? 0;
  const spendCents = row?.spend ?? 0;
  const medianDays = row?.median_days;
  return {
    leads,
    qualified,
    won,
    qualificationRate: ratio(qualified, leads),
    winRate: ratio(won, leads),
    wonRevenueCents,
    medianDaysToConversion: medianDays ?? null,
    spendCents,
    cacCents: ratio(spendCents, won),
    roi: ratio(wonRevenueCents - spendCents, spendCents),
  };
}

export interface CohortCounts {
  leads: number;
  qualified: number;
  won: number;
}

/**
 * The inquiry cohort's leads, and those that reached qualification and conversion: the counts of
 * leadToCloseTotal alone (one read of the cohort cells, no spend, no medians), for KPI targets.
 */
export async function inquiryCohortCounts(db: Db, input: Input): Promise<CohortCounts> {
  return typedOne(
    db,
    sql`select coalesce(sum(journeys), 0)::float8 as leads, coalesce(sum(qualification), 0)::float8 as qualified,
      coalesce(sum(conversion), 0)::float8 as won
    from (${cohortCells({ range: input.range, filters: input.filters ?? {}, cohortBy: 'inquiry' })}) c`,
    z.object({ leads: dbNumber, qualified: dbNumber, won: dbNumber }),
  );
}

export async function leadToCloseTotal(db: Db, input: Input): Promise<LeadToClose> {
  const [row] = await leadToCloseRows(db, input, 'total');
  return figures(row);
}

export async function leadToCloseBySource(db: Db, input: Input): Promise<SourceRow[]> {
  const found = await leadToCloseRows(db, input, 'source');
  return found.map((row) => ({ source: String(row.key), ...figures(row) }));
}

export async function leadToCloseByCampaign(db: Db, input: Input): Promise<CampaignRow[]> {
  const found = await leadToCloseRows(db, input, 'campaign');
  const ids = found.map((row) => row.key).filter((key): key is string => key !== null);
  const names = new Map<string, { name: string; channel: string }>();
  if (ids.length > 0) {
    const campaigns = await typedRows(
      db,
      sql`select campaign_id, name, channel from campaigns where campaign_id in (${sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      )})`,
      z.object({ campaign_id: z.string(), name: z.string(), channel: z.string() }),
    );
    for (const c of campaigns) names.set(c.campaign_id, { name: c.name, channel: c.channel });
  }
  return found.map((row) => ({
    campaignId: row.key,
    campaignName: row.key === null ? null : (names.get(row.key)?.name ?? null),
    channel: row.key === null ? null : (names.get(row.key)?.channel ?? null),
    ...figures(row),
  }));
}

export async function sourcesReport(db: Db, input: Input): Promise<SourcesReport> {
  const [total, bySource, byCampaign] = await Promise.all([
    leadToCloseTotal(db, input),
    leadToCloseBySource(db, input),
    leadToCloseByCampaign(db, input),
  ]);
  return { total, bySource, byCampaign };
}
