// KPI targets (QQTR + RACI) and how each stands: actual so far in its month or quarter, the
// linear run-rate projection to period end, and on-track / at-risk / off-track. Targets are data
// in kpi_targets; the metrics they name are the product's own, computed here over the read model.
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { ratio } from '~/lib/stats';
import { dbNumber, typedOne, type Db } from '~/server/db/client';
import { kpiTargets } from '~/server/db/schema';
import { department, type Department } from '~/server/ingest/catalogue';
import { jsonParam } from '~/server/db/params';
import { getSetting, type SlaSettings } from '~/server/settings';
import { attributionContributionRows } from '~/server/projector/rollups';
import { customerEventTotal } from './customers';
import { metricFilters, toDate, type DateRange, type MetricFilters } from './filters';
import { bucketsWhere, edgesWhere, rollupFilters, splitRange } from './rollupRange';
import {
  elapsedFraction,
  isPeriodStart,
  overallStatus,
  periodKinds,
  periodOf,
  projectRunRate,
  qualityMet,
  quantityStatus,
  type KpiStatus,
  type MetricShape,
  type PeriodKind,
} from './runRate';
import { handoffWithinSlaShare, onboardingStarts, type HandoffKind } from './handoffs';
import { inquiryCohortCounts } from './sources';

interface KpiMetricInfo {
  label: string;
  shape: MetricShape;
  /** count, cents, or a fraction 0..1 */
  unit: 'count' | 'cents' | 'fraction';
}

/** The metrics a target may name. */
export const kpiMetricInfo = {
  leads: { label: 'Leads (inquiries)', shape: 'additive', unit: 'count' },
  qualified_leads: { label: 'Qualified leads', shape: 'additive', unit: 'count' },
  won_deals: { label: 'Won deals', shape: 'additive', unit: 'count' },
  won_revenue: { label: 'Won revenue', shape: 'additive', unit: 'cents' },
  qualification_rate: { label: 'Qualification rate', shape: 'ratio', unit: 'fraction' },
  win_rate: { label: 'Win rate', shape: 'ratio', unit: 'fraction' },
  onboarding_starts: { label: 'Onboarding starts', shape: 'additive', unit: 'count' },
  follow_up_within_sla: { label: 'Leads followed up within SLA', shape: 'ratio', unit: 'fraction' },
  onboarding_within_sla: { label: 'Onboardings started within SLA', shape: 'ratio', unit: 'fraction' },
  renewal_revenue: { label: 'Renewal revenue', shape: 'additive', unit: 'cents' },
  expansion_revenue: { label: 'Expansion revenue', shape: 'additive', unit: 'cents' },
  tickets_resolved_within_sla: { label: 'Tickets resolved within SLA', shape: 'ratio', unit: 'fraction' },
} as const satisfies Record<string, KpiMetricInfo>;

export type KpiMetric = keyof typeof kpiMetricInfo;
export const kpiMetrics = Object.keys(kpiMetricInfo) as [KpiMetric, ...KpiMetric[]];
export const kpiMetric = z.enum(kpiMetrics);
/** The rate metrics, which a quality standard may name. */
export const qualityMetrics = kpiMetrics.filter((m) => kpiMetricInfo[m].shape === 'ratio') as [KpiMetric, ...KpiMetric[]];

const departmentList = z.array(department).max(4).default([]);

export const kpiTargetInput = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200),
    metric: kpiMetric,
    filters: metricFilters.default({}),
    periodKind: z.enum(periodKinds),
    /** first day of the month or quarter, YYYY-MM-DD */
    periodStart: z.iso.date('must be a date, YYYY-MM-DD'),
    /** counts, cents for revenue, a fraction 0..1 for rates */
    targetValue: z.number().min(0, 'must not be negative').max(Number.MAX_SAFE_INTEGER),
    qualityMetric: z.enum(qualityMetrics).nullable().default(null),
    qualityMin: z.number().min(0).max(1, 'is a fraction from 0 to 1').nullable().default(null),
    budgetCents: z.number().int('must be a whole number of cents').min(0).max(Number.MAX_SAFE_INTEGER).nullable().default(null),
    accountable: department,
    responsible: departmentList,
    consulted: departmentList,
    informed: departmentList,
  })
  .superRefine((t, ctx) => {
    if (!isPeriodStart(t.periodKind, t.periodStart))
      ctx.addIssue({ code: 'custom', path: ['periodStart'], message: `must be the first day of a ${t.periodKind}` });
    if (kpiMetricInfo[t.metric].unit === 'fraction' && t.targetValue > 1)
      ctx.addIssue({ code: 'custom', path: ['targetValue'], message: 'is a fraction from 0 to 1 for a rate' });
    if ((t.qualityMetric === null) !== (t.qualityMin === null))
      ctx.addIssue({ code: 'custom', path: ['qualityMin'], message: 'a quality standard needs both a metric and a minimum' });
    const seen = new Set<string>([t.accountable]);
    for (const role of ['responsible', 'consulted', 'informed'] as const) {
      t[role].forEach((d, i) => {
        if (seen.has(d)) ctx.addIssue({ code: 'custom', path: [role, i], message: `${d} already has a role in this target` });
        seen.add(d);
      });
    }
  });
export type KpiTargetInput = z.input<typeof kpiTargetInput>;

export interface KpiTarget {
  id: number;
  name: string;
  metric: KpiMetric;
  filters: MetricFilters;
  periodKind: PeriodKind;
  periodStart: string;
  targetValue: number;
  qualityMetric: KpiMetric | null;
  qualityMin: number | null;
  budgetCents: number | null;
  accountable: Department;
  responsible: Department[];
  consulted: Department[];
  informed: Department[];
  createdBy: number | null;
  updatedBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}

function toTarget(row: typeof kpiTargets.$inferSelect): KpiTarget {
  return {
    ...row,
    metric: row.metric as KpiMetric,
    qualityMetric: row.qualityMetric as KpiMetric | null,
    periodKind: row.periodKind as PeriodKind,
    accountable: row.accountable as Department,
    responsible: row.responsible as Department[],
    consulted: row.consulted as Department[],
    informed: row.informed as Department[],
  };
}

// ---------------------------------------------------------------- create, edit, delete

export async function createKpiTarget(db: Db, input: KpiTargetInput, byUserId: number | null): Promise<KpiTarget> {
  const values = kpiTargetInput.parse(input);
  const [row] = await db
    .insert(kpiTargets)
    .values({ ...values, createdBy: byUserId, updatedBy: byUserId })
    .returning();
  if (!row) throw new Error('kpi target was not created');
  return toTarget(row);
}

/** Replaces a target's definition; null when there is no such target. */
export async function updateKpiTarget(db: Db, id: number, input: KpiTargetInput, byUserId: number | null): Promise<KpiTarget | null> {
  const values = kpiTargetInput.parse(input);
  const [row] = await db
    .update(kpiTargets)
    .set({ ...values, updatedBy: byUserId, updatedAt: sql`statement_timestamp()` })
    .where(eq(kpiTargets.id, id))
    .returning();
  return row ? toTarget(row) : null;
}

/** True when a target was deleted. */
export async function deleteKpiTarget(db: Db, id: number): Promise<boolean> {
  const deleted = await db.delete(kpiTargets).where(eq(kpiTargets.id, id)).returning({ id: kpiTargets.id });
  return deleted.length > 0;
}

export async function getKpiTarget(db: Db, id: number): Promise<KpiTarget | null> {
  const [row] = await db.select().from(kpiTargets).where(eq(kpiTargets.id, id));
  return row ? toTarget(row) : null;
}

export interface KpiTargetQuery {
  /** targets in which the department holds any RACI role */
  department?: Department;
  /** targets of the period starting that day */
  periodStart?: string;
}

/** Targets, latest period first, then by name. */
export async function listKpiTargets(db: Db, query: KpiTargetQuery = {}): Promise<KpiTarget[]> {
  const where: SQL[] = [];
  if (query.department !== undefined) {
    const d = query.department;
    const listed = jsonParam([d]);
    where.push(sql`(${kpiTargets.accountable} = ${d} or ${kpiTargets.responsible} @> ${listed}
      or ${kpiTargets.consulted} @> ${listed} or ${kpiTargets.informed} @> ${listed})`);
  }
  if (query.periodStart !== undefined) where.push(eq(kpiTargets.periodStart, query.periodStart));
  const found = await db
    .select()
    .from(kpiTargets)
    .where(and(...where))
    .orderBy(desc(kpiTargets.periodStart), asc(kpiTargets.name), asc(kpiTargets.id));
  return found.map(toTarget);
}

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
