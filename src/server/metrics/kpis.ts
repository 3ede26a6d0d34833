// How each KPI target stands: actual so far in its month or quarter, the linear run-rate
// projection to period end, and on-track / at-risk / off-track. The targets themselves (data in
// kpi_targets) are src/server/kpiTargets.ts; the metrics they name are computed here over the read
// model's rollups.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { ratio } from '~/lib/stats';
import { dbNumber, typedOne, type Db } from '~/server/db/client';
import { kpiMetricInfo, listKpiTargets, type KpiMetric, type KpiTarget, type KpiTargetQuery } from '~/server/kpiTargets';
import { getSetting, type SlaSettings } from '~/server/settings';
import { attributionContributionRows } from '~/server/projector/rollups';
import { customerEventTotal } from './customers';
import { toDate, type DateRange, type MetricFilters } from './filters';
import { bucketsWhere, edgesWhere, rollupFilters, splitRange } from './rollupRange';
import {
  elapsedFraction,
  overallStatus,
  periodOf,
  projectRunRate,
  qualityMet,
  quantityStatus,
  type KpiStatus,
} from './runRate';
import { handoffWithinSlaShare, onboardingStarts, type HandoffKind } from './handoffs';
import { inquiryCohortCounts } from './sources';

// ---------------------------------------------------------------- actuals and status

/** The filters as a key, whatever order their fields came in. */
const filtersKey = (f: MetricFilters) => JSON.stringify([f.source ?? null, f.campaign ?? null, f.segment ?? null, f.dealType ?? null]);

/**
 * The small shared reads the KPI actuals are answered from, each read once per range and filters
 * however many targets (and quality standards) ask for it: the inquiry cohort's counts, won deals
 * and revenue, onboardings started, a handoff's share within SLA, renewal or expansion revenue.
 */
export function kpiReads(db: Db) {
  const memo = new Map<string, Promise<unknown>>();
  let slaSettings: Promise<SlaSettings> | undefined;
  const slas = () => (slaSettings ??= getSetting(db, 'slas'));
  const once = <T>(what: string, range: DateRange, filters: MetricFilters, read: () => Promise<T>): Promise<T> => {
    const key = `${what} ${range.from} ${range.to} ${filtersKey(filters)}`;
    let found = memo.get(key) as Promise<T> | undefined;
    if (found === undefined) {
      found = read();
      memo.set(key, found);
    }
    return found;
  };
  return {
    cohort: (range: DateRange, filters: MetricFilters) => once('cohort', range, filters, () => inquiryCohortCounts(db, { range, filters })),
    won: (range: DateRange, filters: MetricFilters) => once('won', range, filters, () => wonTotals(db, range, filters)),
    onboardingStarts: (range: DateRange, filters: MetricFilters) => once('onboardings', range, filters, () => onboardingStarts(db, { range, filters })),
    handoffShare: (kind: HandoffKind, range: DateRange, filters: MetricFilters) =>
      once(`handoff ${kind}`, range, filters, async () => handoffWithinSlaShare(db, kind, { range, filters, asOf: toDate(range.to) }, await slas())),
    customerEvents: (kind: 'renewed' | 'expanded', range: DateRange, filters: MetricFilters) =>
      once(`customer ${kind}`, range, filters, () => customerEventTotal(db, kind, { range, filters })),
  };
}
export type KpiReads = ReturnType<typeof kpiReads>;

/** Won deals and their amounts by won day: the attribution rollup's total rows. */
async function wonTotals(db: Db, range: DateRange, filters: MetricFilters): Promise<{ deals: number; revenue: number }> {
  const split = splitRange(range);
  return typedOne(
    db,
    sql`select coalesce(sum(deals), 0)::float8 as deals, coalesce(sum(amount_cents), 0)::float8 as revenue from (
      select deals, amount_cents from attribution_rollup where ${bucketsWhere(split)} and kind = 'total' and ${rollupFilters(filters)}
      union all
      select deals, amount_cents from (${attributionContributionRows(edgesWhere(split, sql.raw('o.won_at')))}) e
      where e.kind = 'total' and ${rollupFilters(filters, 'e')}
    ) x`,
    z.object({ deals: dbNumber, revenue: dbNumber }),
  );
}

/**
 * A metric over [from, to) with filters, as the read model knows it. Leads, qualified leads and
 * the two rates are the Sources page's lead-to-close figures for the cohort whose inquiry falls
 * in the range; won deals and revenue are the opportunities won in the range; the SLA shares are
 * the Handoffs page's for items started in the range; the rest count what happened in the range.
 * Each is read from the rollups through `reads` (pass one set to share reads between metrics).
 */
export async function kpiActual(
  db: Db,
  metric: KpiMetric,
  range: DateRange,
  filters: MetricFilters,
  reads: KpiReads = kpiReads(db),
): Promise<number | null> {
  switch (metric) {
    case 'leads':
    case 'qualified_leads':
    case 'qualification_rate':
    case 'win_rate': {
      const counts = await reads.cohort(range, filters);
      if (metric === 'leads') return counts.leads;
      if (metric === 'qualified_leads') return counts.qualified;
      return ratio(metric === 'qualification_rate' ? counts.qualified : counts.won, counts.leads);
    }
    case 'won_deals':
    case 'won_revenue': {
      const totals = await reads.won(range, filters);
      return metric === 'won_deals' ? totals.deals : totals.revenue;
    }
    case 'onboarding_starts':
      return reads.onboardingStarts(range, filters);
    case 'follow_up_within_sla':
    case 'onboarding_within_sla':
    case 'tickets_resolved_within_sla':
      // The Handoffs page's share, judged at the range end: open items within their SLA are undecided.
      return reads.handoffShare(handoffOf[metric], range, filters);
    case 'renewal_revenue':
    case 'expansion_revenue':
      return (await reads.customerEvents(metric === 'renewal_revenue' ? 'renewed' : 'expanded', range, filters)).cents;
  }
}

export interface KpiTargetStatus {
  target: KpiTarget;
  periodEnd: string;
  /** share of the period elapsed at asOf, 0..1 */
  elapsed: number;
  /** the metric from period start to asOf (or period end when over); null before it begins */
  actual: number | null;
  /** run-rate projection to period end */
  projection: number | null;
  /** actual / target; null for a zero target or no actual */
  attainment: number | null;
  quantityStatus: KpiStatus;
  qualityActual: number | null;
  qualityMet: boolean | null;
  /** the quantity status, one step worse when the quality standard is missed */
  status: KpiStatus;
}

export const handoffOf = {
  follow_up_within_sla: 'leadFollowUp',
  onboarding_within_sla: 'onboardingStart',
  tickets_resolved_within_sla: 'ticketResolution',
} as const satisfies Partial<Record<KpiMetric, HandoffKind>>;

/** How a target stands at `asOf`. */
export async function kpiTargetStatus(db: Db, target: KpiTarget, asOf: Date, actualOf: typeof kpiActual = kpiActual): Promise<KpiTargetStatus> {
  const period = periodOf(target.periodKind, target.periodStart);
  const elapsed = elapsedFraction(period, asOf);
  const periodEnd = period.end.toISOString();
  if (elapsed <= 0) {
    return {
      target,
      periodEnd,
      elapsed,
      actual: null,
      projection: null,
      attainment: null,
      quantityStatus: 'not_started',
      qualityActual: null,
      qualityMet: null,
      status: 'not_started',
    };
  }
  const range: DateRange = {
    from: period.start.toISOString(),
    to: (elapsed >= 1 ? period.end : asOf).toISOString(),
  };
  const [actual, qualityActual] = await Promise.all([
    actualOf(db, target.metric, range, target.filters),
    target.qualityMetric ? actualOf(db, target.qualityMetric, range, target.filters) : null,
  ]);
  const projection = projectRunRate(actual, elapsed, kpiMetricInfo[target.metric].shape);
  const quantity = quantityStatus(projection, target.targetValue, elapsed);
  const quality = qualityMet(qualityActual, target.qualityMin);
  return {
    target,
    periodEnd,
    elapsed,
    actual,
    projection,
    attainment: actual === null ? null : ratio(actual, target.targetValue),
    quantityStatus: quantity,
    qualityActual,
    qualityMet: quality,
    status: overallStatus(quantity, quality),
  };
}

export async function kpiTargetStatuses(db: Db, query: KpiTargetQuery & { asOf: Date }): Promise<KpiTargetStatus[]> {
  const targets = await listKpiTargets(db, query);
  // Targets on the same range and filters (a count and its rate, a quality standard) share reads.
  const reads = kpiReads(db);
  const actualOf: typeof kpiActual = (d, metric, range, filters) => kpiActual(d, metric, range, filters, reads);
  return Promise.all(targets.map((target) => kpiTargetStatus(db, target, query.asOf, actualOf)));
}
