// Reference implementation of the attribution report, over the stored credits of every deal (see
// reference/funnel.ts).
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { dbNumber, typedRows, type Db } from '~/server/db/client';
import { attributionModels } from '../attributionWeights';
import { pivot, type AttributionReport } from '../attribution';
import { inRange, metricInput, opportunityFilters, type MetricInput } from '../filters';

const groupRow = z.object({ key: z.string().nullable(), name: z.string().nullable(), model: z.enum(attributionModels), revenue: dbNumber, influenced: dbNumber });
type GroupRow = z.output<typeof groupRow>;

/** Revenue credit and influenced deals by channel and by campaign, every model side by side. */
export async function attributionReference(db: Db, input: MetricInput): Promise<AttributionReport> {
  const { range, filters } = metricInput.parse(input);
  const deals = sql`select o.opportunity_id from opportunities o
    where o.status = 'won' and ${inRange(sql.raw('o.won_at'), range)} and ${opportunityFilters(filters, sql.raw('o'))}`;
  const credits = sql`select c.* from attribution_credits c
    where ${inRange(sql.raw('c.won_at'), range)} and c.opportunity_id in (${deals})`;

  // Three independent queries, side by side on a server's pool.
  const [[totals], byChannel, byCampaign] = await Promise.all([
    typedRows(
      db,
      sql`select count(*)::int as deals, coalesce(sum(coalesce(o.amount_cents, 0)), 0)::float8 as revenue
      from opportunities o where o.opportunity_id in (${deals})`,
      z.object({ deals: dbNumber, revenue: dbNumber }),
    ),
    typedRows(
      db,
      sql`select c.channel as key, null::text as name, c.model, sum(c.credit_cents)::float8 as revenue,
        (count(distinct c.opportunity_id) filter (where c.credit_cents > 0))::int as influenced
      from (${credits}) c group by c.channel, c.model`,
      groupRow,
    ),
    typedRows(
      db,
      sql`select c.campaign_id as key, max(k.name) as name, c.model, sum(c.credit_cents)::float8 as revenue,
        (count(distinct c.opportunity_id) filter (where c.credit_cents > 0))::int as influenced
      from (${credits}) c left join campaigns k on k.campaign_id = c.campaign_id
      group by c.campaign_id, c.model`,
      groupRow,
    ),
  ]);
  return {
    models: attributionModels,
    deals: totals?.deals ?? 0,
    revenueCents: totals?.revenue ?? 0,
    byChannel: pivot(byChannel.map(toRollupRow)),
    byCampaign: pivot(byCampaign.map(toRollupRow)),
  };
}


function toRollupRow(g: GroupRow) {
  return { key: g.key, name: g.name, models: { [g.model]: { revenueCents: g.revenue, influencedDeals: g.influenced } } };
}
