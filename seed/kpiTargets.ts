// Demo KPI targets: three for every department, one on track, one at risk and one off track when
// the demo is first looked at, and a revenue number marketing signs up for with sales. Each target
// is aimed from the pace its period has at that moment, so the mix holds for whatever demo was
// loaded; a period barely begun (under a fifth elapsed) gives way to the one before it. The demo
// data stops at its anchor, so a running period's sums and SLA shares only fall as time passes:
// the targets aimed at risk (a narrow band) are set on a figure that no longer moves, a cohort
// rate or the last complete period.
import { sql } from 'drizzle-orm';
import { one, type Db } from '~/server/db/client';
import type { Department } from '~/server/ingest/catalogue';
import { createKpiTarget, kpiMetricInfo, type KpiMetric, type KpiTargetInput } from '~/server/kpiTargets';
import { kpiActual } from '~/server/metrics/kpis';
import { elapsedFraction, periodContaining, projectRunRate, type Period, type PeriodKind } from '~/server/metrics/runRate';

export type DemoStatus = 'on_track' | 'at_risk' | 'off_track';

interface DemoTarget {
  name: string;
  metric: KpiMetric;
  periodKind: PeriodKind;
  /** the status the target is aimed at */
  status: DemoStatus;
  /** 'last': the last complete period rather than the current one */
  period?: 'last';
  /** used when the period has no value yet */
  fallback: number;
  /** a quality standard, its minimum set just under the period's actual (met) */
  quality?: KpiMetric;
  budgetCents?: number;
  accountable: Department;
  responsible?: Department[];
  consulted?: Department[];
  informed?: Department[];
}

export const demoTargets: DemoTarget[] = [
  { name: 'Inquiries', metric: 'leads', periodKind: 'month', status: 'on_track', fallback: 400, budgetCents: 3_000_000, accountable: 'marketing', informed: ['sales'] },
  { name: 'Qualification rate', metric: 'qualification_rate', periodKind: 'quarter', status: 'at_risk', fallback: 0.3, accountable: 'marketing', consulted: ['sales'] },
  {
    name: 'Qualified leads', metric: 'qualified_leads', periodKind: 'quarter', status: 'off_track', fallback: 300, quality: 'qualification_rate',
    budgetCents: 8_000_000, accountable: 'marketing', consulted: ['sales'],
  },
  {
    name: 'New revenue (shared: marketing signs up for the sales number)', metric: 'won_revenue', periodKind: 'quarter', status: 'on_track',
    fallback: 50_000_000, budgetCents: 15_000_000, accountable: 'sales', responsible: ['marketing'], informed: ['operations'],
  },
  { name: 'Speed to lead', metric: 'follow_up_within_sla', periodKind: 'month', status: 'at_risk', period: 'last', fallback: 0.85, accountable: 'sales', informed: ['marketing'] },
  { name: 'Won deals', metric: 'won_deals', periodKind: 'quarter', status: 'off_track', fallback: 40, accountable: 'sales', responsible: ['marketing'], informed: ['operations', 'service'] },
  {
    name: 'Onboarding starts', metric: 'onboarding_starts', periodKind: 'month', status: 'on_track', fallback: 15, quality: 'onboarding_within_sla',
    accountable: 'operations', consulted: ['sales'],
  },
  { name: 'Renewal revenue', metric: 'renewal_revenue', periodKind: 'quarter', status: 'at_risk', period: 'last', fallback: 20_000_000, accountable: 'operations', responsible: ['service'], informed: ['sales'] },
  { name: 'Onboardings started within SLA', metric: 'onboarding_within_sla', periodKind: 'month', status: 'off_track', fallback: 0.9, accountable: 'operations', informed: ['sales'] },
  {
    name: 'Tickets resolved within SLA, quarter', metric: 'tickets_resolved_within_sla', periodKind: 'quarter', status: 'on_track', fallback: 0.85,
    accountable: 'service', informed: ['operations'],
  },
  {
    name: 'Tickets resolved within SLA', metric: 'tickets_resolved_within_sla', periodKind: 'month', status: 'at_risk', period: 'last', fallback: 0.85,
    budgetCents: 1_200_000, accountable: 'service', informed: ['operations', 'sales'],
  },
  { name: 'Expansion revenue', metric: 'expansion_revenue', periodKind: 'quarter', status: 'off_track', fallback: 5_000_000, accountable: 'service', responsible: ['operations'], consulted: ['sales'] },
];

/**
 * The period a demo target is set for at `asOf`: the current one, or the last while the current
 * has barely begun; with 'last', the last complete one.
 */
export function demoPeriod(kind: PeriodKind, asOf: Date, which: 'current' | 'last' = 'current'): Period {
  const current = periodContaining(kind, asOf);
  if (which === 'current' && elapsedFraction(current, asOf) >= 0.2) return current;
  return periodContaining(kind, new Date(current.start.getTime() - 1));
}

const cents = (value: number) => Math.round(value / 100) * 100;
const hundredthsUp = (value: number) => Math.ceil(value * 100 - 1e-9) / 100;
const hundredthsDown = (value: number) => Math.floor(value * 100 + 1e-9) / 100;

/**
 * The target that puts a projection (the period-end value at the current pace; a rate is its own
 * projection) at the wanted status: on track at 80% of it (a rate 90%), at risk at 95% (a rate
 * too, at most 0.99), off track at 70% (a rate 75%). Rates are whole percentages, money whole
 * dollars, counts whole (a small count may round out of the at-risk band).
 */
export function aimTarget(metric: KpiMetric, status: DemoStatus, projection: number | null, fallback: number): number {
  if (projection === null || projection <= 0) return fallback;
  const unit = kpiMetricInfo[metric].unit;
  if (unit === 'fraction') {
    if (status === 'on_track') return Math.max(0.01, hundredthsDown(projection * 0.9));
    return Math.min(0.99, hundredthsUp(projection / (status === 'at_risk' ? 0.95 : 0.75)));
  }
  const scaled = projection * (status === 'on_track' ? 0.8 : status === 'at_risk' ? 1 / 0.95 : 1 / 0.7);
  if (unit === 'cents') return status === 'on_track' ? Math.floor(scaled / 100) * 100 : cents(scaled + 50);
  return status === 'on_track' ? Math.max(1, Math.floor(scaled)) : Math.ceil(scaled);
}

/** Creates the demo targets, aimed as of `asOf`, unless some targets exist already; returns how many it created. */
export async function seedKpiTargets(db: Db, asOf: Date): Promise<number> {
  const existing = await one<{ n: number }>(db, sql`select count(*)::int as n from kpi_targets`);
  if (Number(existing.n) > 0) return 0;
  for (const target of demoTargets) {
    const period = demoPeriod(target.periodKind, asOf, target.period ?? 'current');
    const elapsed = elapsedFraction(period, asOf);
    const range = { from: period.start.toISOString(), to: (elapsed >= 1 ? period.end : asOf).toISOString() };
    const actual = await kpiActual(db, target.metric, range, {});
    const projection = projectRunRate(actual, elapsed, kpiMetricInfo[target.metric].shape);
    const quality = target.quality ? await kpiActual(db, target.quality, range, {}) : null;
    const input: KpiTargetInput = {
      name: target.name,
      metric: target.metric,
      periodKind: target.periodKind,
      periodStart: period.start.toISOString().slice(0, 10),
      targetValue: aimTarget(target.metric, target.status, projection, target.fallback),
      qualityMetric: target.quality ?? null,
      qualityMin: target.quality ? hundredthsDown((quality ?? 0) * 0.9) : null,
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
