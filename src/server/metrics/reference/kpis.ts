// Reference implementation of the KPI actuals, row by row: what they computed before the rollups
// (docs/rollups.md). Tests and the query benchmark compare the rollups with it; the app never calls it.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { dbNumber, one, typedOne, type Db } from '~/server/db/client';
import { accountFilters, inRange, opportunityFilters, toDate, type DateRange, type MetricFilters } from '../filters';
import { handoffWithinSlaShareReference } from './handoffs';
import { listKpiTargets, type KpiMetric, type KpiTargetQuery } from '~/server/kpiTargets';
import { handoffOf, kpiTargetStatus, type KpiTargetStatus } from '../kpis';
import { leadToCloseTotal } from '../sources';

/**
 * A metric over [from, to) with filters, as the read model knows it. Leads, qualified leads and
 * the two rates are the Sources page's lead-to-close figures for the cohort whose inquiry falls
 * in the range; won deals and revenue are the opportunities won in the range; the SLA shares are
 * the Handoffs page's for items started in the range; the rest count what happened in the range.
 */
export async function kpiActualReference(db: Db, metric: KpiMetric, range: DateRange, filters: MetricFilters): Promise<number | null> {
  switch (metric) {
    case 'leads':
    case 'qualified_leads':
    case 'qualification_rate':
    case 'win_rate': {
      const figures = await leadToCloseTotal(db, { range, filters });
      if (metric === 'leads') return figures.leads;
      if (metric === 'qualified_leads') return figures.qualified;
      if (metric === 'qualification_rate') return figures.qualificationRate;
      return figures.winRate;
    }
    case 'won_deals':
    case 'won_revenue': {
      const row = await typedOne(
        db,
        sql`select count(*)::int as deals, coalesce(sum(o.amount_cents), 0)::float8 as revenue
        from opportunities o where o.status = 'won' and ${inRange(sql`o.won_at`, range)} and ${opportunityFilters(filters)}`,
        z.object({ deals: dbNumber, revenue: dbNumber }),
      );
      return metric === 'won_deals' ? row.deals : row.revenue;
    }
    case 'onboarding_starts': {
      const row = await one<{ starts: number }>(
        db,
        sql`select count(*)::int as starts from onboardings b
        left join opportunities o on o.opportunity_id = b.opportunity_id
        where ${inRange(sql`b.started_at`, range)} and ${opportunityFilters(filters)}`,
      );
      return Number(row.starts);
    }
    case 'follow_up_within_sla':
    case 'onboarding_within_sla':
    case 'tickets_resolved_within_sla': {
      // The Handoffs page's share, judged at the range end: open items within their SLA are undecided.
      const kind = handoffOf[metric];
      return handoffWithinSlaShareReference(db, kind, { range, filters, asOf: toDate(range.to) });
    }
    case 'renewal_revenue':
    case 'expansion_revenue': {
      const kind = metric === 'renewal_revenue' ? 'renewed' : 'expanded';
      const row = await one<{ revenue: number | string }>(
        db,
        sql`select coalesce(sum(e.amount_cents), 0)::float8 as revenue from account_events e
        where e.kind = ${kind} and ${inRange(sql`e.occurred_at`, range)} and ${accountFilters(filters, sql.raw('e.account_id'))}`,
      );
      return Number(row.revenue);
    }
  }
}


export async function kpiTargetStatusesReference(db: Db, query: KpiTargetQuery & { asOf: Date }): Promise<KpiTargetStatus[]> {
  const targets = await listKpiTargets(db, query);
  return Promise.all(targets.map((target) => kpiTargetStatus(db, target, query.asOf, kpiActualReference)));
}
