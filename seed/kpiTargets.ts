// Demo KPI targets for the month and quarter containing the anchor: every department accountable
// for at least one, and a revenue number marketing signs up for with sales. Each quantity is set
// from the previous period's actual, a little higher, so the targets fit whatever demo was loaded.
import { sql } from 'drizzle-orm';
import { one, type Db } from '~/server/db/client';
import type { Department } from '~/server/ingest/catalogue';
import { createKpiTarget, kpiActual, kpiMetricInfo, type KpiMetric, type KpiTargetInput } from '~/server/metrics/kpis';
import { periodContaining, type PeriodKind } from '~/server/metrics/runRate';

interface DemoTarget {
  name: string;
  metric: KpiMetric;
  periodKind: PeriodKind;
  /** growth over the previous period for sums; points added for rates */
  stretch: number;
  /** used when the previous period has no value */
  fallback: number;
  quality?: { metric: KpiMetric; min: number };
  budgetCents?: number;
  accountable: Department;
  responsible?: Department[];
  consulted?: Department[];
  informed?: Department[];
}

const demoTargets: DemoTarget[] = [
  {
    name: 'New revenue (shared: marketing signs up for the sales number)',
    metric: 'won_revenue',
    periodKind: 'quarter',
    stretch: 1.1,
    fallback: 50_000_000,
    quality: { metric: 'win_rate', min: 0.1 },
    budgetCents: 15_000_000,
    accountable: 'sales',
    responsible: ['marketing'],
    informed: ['operations'],
  },
  {
    name: 'Won deals',
    metric: 'won_deals',
    periodKind: 'quarter',
    stretch: 1.1,
    fallback: 40,
    accountable: 'sales',
    responsible: ['marketing'],
    informed: ['operations', 'service'],
  },
  {
    name: 'Speed to lead',
    metric: 'follow_up_within_sla',
    periodKind: 'month',
    stretch: 0.05,
    fallback: 0.85,
    accountable: 'sales',
    informed: ['marketing'],
  },
  {
    name: 'Qualified leads',
    metric: 'qualified_leads',
    periodKind: 'quarter',
    stretch: 1.15,
    fallback: 300,
    quality: { metric: 'qualification_rate', min: 0.25 },
    budgetCents: 8_000_000,
    accountable: 'marketing',
    consulted: ['sales'],
  },
  {
    name: 'Inquiries',
    metric: 'leads',
    periodKind: 'month',
    stretch: 1.1,
    fallback: 400,
    budgetCents: 3_000_000,
    accountable: 'marketing',
    informed: ['sales'],
  },
  {
    name: 'Onboarding starts',
    metric: 'onboarding_starts',
    periodKind: 'month',
    stretch: 1.05,
    fallback: 15,
    quality: { metric: 'onboarding_within_sla', min: 0.8 },
    accountable: 'operations',
    consulted: ['sales'],
  },
  {
    name: 'Expansion revenue',
    metric: 'expansion_revenue',
    periodKind: 'quarter',
    stretch: 1.1,
    fallback: 5_000_000,
    accountable: 'operations',
    responsible: ['service'],
    consulted: ['sales'],
  },
  {
    name: 'Tickets resolved within SLA',
    metric: 'tickets_resolved_within_sla',
    periodKind: 'month',
    stretch: 0.05,
    fallback: 0.85,
    budgetCents: 1_200_000,
    accountable: 'service',
    informed: ['operations', 'sales'],
  },
];

/** The quantity to aim for: last period's actual raised by the stretch, rounded for people. */
function aim(target: DemoTarget, previous: number | null): number {
  if (previous === null || previous <= 0) return target.fallback;
  const unit = kpiMetricInfo[target.metric].unit;
  if (unit === 'fraction') return Math.min(0.99, Math.round((previous + target.stretch) * 100) / 100);
  if (unit === 'cents') return Math.round((previous * target.stretch) / 100) * 100;
  return Math.max(1, Math.round(previous * target.stretch));
}

/** Creates the demo targets unless some targets exist already; returns how many it created. */
export async function seedKpiTargets(db: Db, anchor: Date): Promise<number> {
  const existing = await one<{ n: number }>(db, sql`select count(*)::int as n from kpi_targets`);
  if (Number(existing.n) > 0) return 0;
  for (const target of demoTargets) {
    const period = periodContaining(target.periodKind, anchor);
    const previous = periodContaining(target.periodKind, new Date(period.start.getTime() - 1));
    const previousActual = await kpiActual(
      db,
      target.metric,
      { from: previous.start.toISOString(), to: previous.end.toISOString() },
      {},
    );
    const input: KpiTargetInput = {
      name: target.name,
      metric: target.metric,
      periodKind: target.periodKind,
      periodStart: period.start.toISOString().slice(0, 10),
      targetValue: aim(target, previousActual),
      qualityMetric: target.quality?.metric ?? null,
      qualityMin: target.quality?.min ?? null,
      budgetCents: target.budgetCents ?? null,
      accountable: target.accountable,
      responsible: target.responsible ?? [],
      consulted: target.consulted ?? [],
      informed: target.informed ?? [],
    };
    await createKpiTarget(db, input, null);
  }
  return demoTargets.length;
}
