// KPI targets (QQTR + RACI) as data: the metrics a target may name, the input a target is made
// from, and reading and writing the kpi_targets table. How a target stands (actual, run-rate
// projection, status) is src/server/metrics/kpis.ts.
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { type Db } from '~/server/db/client';
import { jsonParam } from '~/server/db/params';
import { kpiTargets } from '~/server/db/schema';
import { department, type Department } from '~/server/ingest/catalogue';
import { metricFilters, type MetricFilters } from '~/server/metrics/filters';
import { isPeriodStart, periodKinds, type MetricShape, type PeriodKind } from '~/server/metrics/runRate';
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
