// Reference implementation of lead-to-close by source and campaign, over the journeys' rows (see
// reference/funnel.ts).
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { dbNumber, typedRows, type Db } from '~/server/db/client';
import { ratio } from '~/lib/stats';
import { dateInRange, daysBetween, inRange, journeyFilters, spendFilters, type DateRange, type MetricFilters } from '../filters';
import type { CampaignRow, LeadToClose, SourceRow, SourcesReport } from '../sources';

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

const leadKey: Record<Grouping, SQL> = {
  source: sql`l.source`,
  campaign: sql`l.campaign_id`,
  total: sql`'all'::text`,
};
const spendKey: Record<Grouping, SQL> = {
  source: sql`sc.channel`,
  campaign: sql`s.campaign_id`,
  total: sql`'all'::text`,
};

async function leadToCloseRows(db: Db, input: Input, by: Grouping): Promise<RawRow[]> {
  const filters = input.filters ?? {};
  // Spend of a campaign never upserted has no channel: it counts in the campaign rows and the total only.
  const spendJoin = by === 'source' ? sql`join campaigns sc on sc.campaign_id = s.campaign_id` : sql``;
  return typedRows(
    db,
    sql`with cohort as (
      select l.contact_id, ${leadKey[by]} as key, l.inquiry_at, l.qualification_at, l.conversion_at
      from leads l
      where ${inRange(sql`l.inquiry_at`, input.range)} and ${journeyFilters(filters)}
    ),
    lead_stats as (
      select key, count(*)::int as leads, count(qualification_at)::int as qualified, count(conversion_at)::int as won,
        (percentile_cont(0.5) within group (order by ${daysBetween(sql`inquiry_at`, sql`conversion_at`)}))::float8 as median_days
      from cohort group by key
    ),
    revenue as (
      select c.key, sum(o.amount_cents)::float8 as won_revenue
      from cohort c join opportunities o on o.contact_id = c.contact_id and o.status = 'won'
      group by c.key
    ),
    spend as (
      select ${spendKey[by]} as key, sum(s.amount_cents)::float8 as spend
      from campaign_spend s ${spendJoin}
      where ${dateInRange(sql`s.spend_date`, input.range)} and ${spendFilters(filters)}
      group by 1
    )
    select coalesce(ls.key, sp.key) as key, ls.leads, ls.qualified, ls.won, r.won_revenue, ls.median_days, sp.spend
    from lead_stats ls
    left join revenue r on r.key is not distinct from ls.key
    full join spend sp on sp.key = ls.key
    order by coalesce(ls.leads, 0) desc, 1 nulls last`,
    rawRow,
  );
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

async function leadToCloseTotal(db: Db, input: Input): Promise<LeadToClose> {
  const [row] = await leadToCloseRows(db, input, 'total');
  return figures(row);
}

async function leadToCloseBySource(db: Db, input: Input): Promise<SourceRow[]> {
  const found = await leadToCloseRows(db, input, 'source');
  return found.map((row) => ({ source: String(row.key), ...figures(row) }));
}

async function leadToCloseByCampaign(db: Db, input: Input): Promise<CampaignRow[]> {
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

export async function sourcesReference(db: Db, input: Input): Promise<SourcesReport> {
  const [total, bySource, byCampaign] = await Promise.all([
    leadToCloseTotal(db, input),
    leadToCloseBySource(db, input),
    leadToCloseByCampaign(db, input),
  ]);
  return { total, bySource, byCampaign };
}
