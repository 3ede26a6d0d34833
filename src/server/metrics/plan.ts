// Plan backwards from a revenue target: reads the facts the planning math needs (trailing rates
// and velocities by source, won revenue so far, the open pipeline through the forecast's model)
// as they were known at any moment, from the rollups (planFacts.ts; reference/plan.ts reads every
// journey and deal instead), so the same code makes the plan, its baseline at the period start and
// its backtest; and turns a plan into KPI targets for the departments that owe it.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { isoWeekOf } from '~/lib/isoWeek';
import { canEditTarget } from '~/server/auth/kpiTargets';
import type { Role } from '~/server/auth/rights';
import { rows, type Db } from '~/server/db/client';
import type { Department } from '~/server/ingest/catalogue';
import { metricFilters, type MetricFilters } from './filters';
import { addExpected, type WinProbability } from './forecastMath';
import { rollupPlanReader, type PipelineAt, type PlanReader } from './planFacts';
import {
  createKpiTarget,
  getKpiTarget,
  kpiMetricInfo,
  listKpiTargets,
  updateKpiTarget,
  type KpiMetric,
  type KpiTarget,
  type KpiTargetInput,
} from '~/server/kpiTargets';
import {
  DEFAULT_WINDOW_DAYS,
  makePlan,
  planWeeks,
  scoreBacktest,
  trackPlan,
  type Plan,
  type PlanBacktest,
  type PlanFacts,
  type PlanTrackingWeek,
  type PlanWeekActual,
  type PipelineWeek,
  type WhatIf,
} from './planMath';
import { periodContaining, periodKinds, periodOf, type Period, type PeriodKind } from './runRate';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** The backtest makes the plan this many weeks before now. */
export const BACKTEST_WEEKS_AGO = 13;

const factor = z.number().min(0.25).max(4);
export const whatIfInput = z.object({
  qualificationFactor: factor.optional(),
  winFactor: factor.optional(),
  velocityFactor: factor.optional(),
  mix: z.record(z.string().max(200), z.number().min(0).max(1e9)).optional(),
  budgetCents: z.number().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

export const planInput = z
  .object({
    /** a KPI target on won revenue: its value, period and filters */
    targetId: z.number().int().positive().optional(),
    /** or a number typed in, in cents, for the period below */
    targetCents: z.number().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    periodKind: z.enum(periodKinds).default('quarter'),
    /** first day of the month or quarter; default the one containing the moment the plan is made */
    periodStart: z.iso.date().optional(),
    filters: metricFilters.default({}),
    /** trailing window for rates and velocities, in days */
    windowDays: z.number().int().min(28).max(730).default(DEFAULT_WINDOW_DAYS),
    /** the moment the plan is made; default now */
    asOf: z.iso.datetime({ offset: true }).optional(),
    whatIf: whatIfInput.optional(),
  })
  .refine((p) => p.targetId !== undefined || p.targetCents !== undefined, { path: ['targetCents'], message: 'name a revenue target or type a number' });
export type PlanRequest = z.input<typeof planInput>;
type ParsedPlanRequest = z.output<typeof planInput>;

export class PlanInputError extends Error {}

const iso = (ms: number) => new Date(ms).toISOString();

/** The target the plan is for, resolved from a KPI target or a typed number. */
export interface PlanTarget {
  id: number | null;
  name: string;
  targetCents: number;
  periodKind: PeriodKind;
  periodStart: string;
  periodEnd: string;
  filters: MetricFilters;
  accountable: Department | null;
  responsible: Department[];
  consulted: Department[];
  informed: Department[];
}

async function resolveTarget(db: Db, input: ParsedPlanRequest, now: number): Promise<{ target: PlanTarget; period: Period }> {
  if (input.targetId !== undefined) {
    const target = await getKpiTarget(db, input.targetId);
    if (!target) throw new PlanInputError('No such KPI target.');
    if (target.metric !== 'won_revenue') throw new PlanInputError('A plan is made for a target on won revenue.');
    const period = periodOf(target.periodKind, target.periodStart);
    return {
      period,
      target: {
        id: target.id,
        name: target.name,
        targetCents: target.targetValue,
        periodKind: target.periodKind,
        periodStart: target.periodStart,
        periodEnd: period.end.toISOString(),
        filters: target.filters,
        accountable: target.accountable,
        responsible: target.responsible,
        consulted: target.consulted,
        informed: target.informed,
      },
    };
  }
  let period: Period;
  try {
    period = input.periodStart ? periodOf(input.periodKind, input.periodStart) : periodContaining(input.periodKind, new Date(now));
  } catch {
    throw new PlanInputError(`The period must start on the first day of a ${input.periodKind}.`);
  }
  return {
    period,
    target: {
      id: null,
      name: 'Typed-in revenue target',
      targetCents: input.targetCents!,
      periodKind: input.periodKind,
      periodStart: period.start.toISOString().slice(0, 10),
      periodEnd: period.end.toISOString(),
      filters: input.filters,
      accountable: null,
      responsible: [],
      consulted: [],
      informed: [],
    },
  };
}

/** The open pipeline's expectation per plan week, by the forecast's own model, for the opportunities in scope. */
function pipelineWeeks(pipeline: PipelineAt, now: number, end: number): { weeks: PipelineWeek[]; lagDays: number | null; winProbabilities: WinProbability[]; warnings: string[] } {
  const model = pipeline(now);
  const lagMs = (model.onboardingLagDays ?? 0) * DAY_MS;
  const bounds = planWeeks(now, end);
  const edges = [...bounds.map((w) => w.from), bounds[bounds.length - 1]!.to];
  const wins = new Array<number>(bounds.length).fill(0);
  const cents = new Array<number>(bounds.length).fill(0);
  const starts = new Array<number>(bounds.length).fill(0);
  for (const open of model.open) {
    const { scopedDeals, scopedCents } = open.cell;
    if (scopedDeals === 0 || open.probability === 0) continue;
    addExpected(open, edges, 0, scopedDeals, wins);
    addExpected(open, edges, 0, scopedCents, cents);
    addExpected(open, edges, lagMs, scopedDeals, starts);
  }
  const weeks = bounds.map((w, i): PipelineWeek => ({ week: w.week, wins: wins[i]!, cents: cents[i]!, starts: starts[i]! }));
  return { weeks, lagDays: model.onboardingLagDays, winProbabilities: model.winProbabilities, warnings: model.warnings };
}

/** The plan's facts for target T over [start, end), as known at `now`. */
async function planFactsAt(
  db: Db,
  reader: PlanReader,
  opps: PipelineAt,
  args: { targetCents: number; start: number; end: number; now: number; windowDays: number; filters: MetricFilters; wonSoFarCents?: number },
) {
  const [sources, wonSoFar] = await Promise.all([
    reader.sourceFacts(db, args.now, args.windowDays, args.filters),
    args.wonSoFarCents ?? (args.now > args.start ? reader.actual(db, 'won_revenue', { from: iso(args.start), to: iso(args.now) }, args.filters) : 0),
  ]);
  const pipeline = pipelineWeeks(opps, args.now, args.end);
  const facts: PlanFacts = {
    targetCents: args.targetCents,
    start: args.start,
    end: args.end,
    now: args.now,
    wonSoFarCents: wonSoFar ?? 0,
    sources,
    pipeline: pipeline.weeks,
    onboardingLagDays: pipeline.lagDays,
  };
  return { facts, winProbabilities: pipeline.winProbabilities, warnings: pipeline.warnings };
}

export type LineStatus = 'on_track' | 'behind' | 'not_started' | 'no_plan';

export interface DepartmentLine {
  line: 'inquiries' | 'qualified' | 'wins' | 'onboarding';
  department: Department;
  label: string;
  /** the KPI target of this metric, period and filters that names the owner, if any */
  ownerTarget: { id: number; name: string } | null;
  /** the period total the plan asks for: actual so far plus the plan from now */
  periodTotal: number | null;
  actualSoFar: number;
  /** from now to the end */
  planFromNow: number | null;
  /** the baseline plan's figure to date against the actual to date */
  plannedToDate: number | null;
  status: LineStatus;
}

export interface RevenuePlan {
  target: PlanTarget;
  madeAt: string;
  windowDays: number;
  /** the plan, the what-if applied when one was asked */
  plan: Plan;
  /** the plan without the what-if; null when none was asked */
  baseline: Plan | null;
  /** what the plan is computed from, for recomputing a what-if in the browser */
  facts: PlanFacts;
  lines: DepartmentLine[];
  /** the plan as made at the period start, against each passed week */
  tracking: PlanTrackingWeek[];
  capacity: Record<string, number>;
  winProbabilities: WinProbability[];
  backtest: PlanBacktest | null;
  notes: string[];
}

const lineMetric: Record<DepartmentLine['line'], KpiMetric> = {
  inquiries: 'leads',
  qualified: 'qualified_leads',
  wins: 'won_deals',
  onboarding: 'onboarding_starts',
};
const lineDepartment: Record<DepartmentLine['line'], Department> = {
  inquiries: 'marketing',
  qualified: 'sales',
  wins: 'sales',
  onboarding: 'operations',
};

const sameFilters = (a: MetricFilters, b: MetricFilters) =>
  (['source', 'campaign', 'segment', 'dealType'] as const).every((k) => (a[k] ?? null) === (b[k] ?? null));

/** The target of the line's metric for the plan's period and filters, if one exists. */
function ownerTargetOf(targets: readonly KpiTarget[], line: DepartmentLine['line'], plan: PlanTarget): KpiTarget | null {
  return targets.find((t) => t.metric === lineMetric[line] && t.periodKind === plan.periodKind && t.periodStart === plan.periodStart && sameFilters(t.filters, plan.filters)) ?? null;
}

/** Makes the plan for a revenue target as it stands at `asOf` (default now), with its baseline, tracking and backtest. */
export async function revenuePlan(db: Db, request: PlanRequest, reader: PlanReader = rollupPlanReader): Promise<RevenuePlan> {
  const input = planInput.parse(request);
  const now = input.asOf ? new Date(input.asOf).getTime() : Date.now();
  const { target, period } = await resolveTarget(db, input, now);
  const start = period.start.getTime();
  const end = period.end.getTime();
  if (now < start) throw new PlanInputError('The period has not begun: a plan is made within its period.');
  if (now >= end) throw new PlanInputError('The period is over: a plan is made within its period.');
  const { filters } = target;
  const windowDays = input.windowDays;

  // The backtest's plan is made 13 weeks ago for the period of the same kind then current.
  const madeAt = now - BACKTEST_WEEKS_AGO * WEEK_MS;
  const backtestPeriod = periodContaining(target.periodKind, new Date(madeAt));
  const backtestEnd = Math.min(backtestPeriod.end.getTime(), now);
  // What happened from the period start to now, per ISO week: the actuals so far and the tracking.
  const [opps, actualWeeks] = await Promise.all([reader.pipeline(db, filters, [now, start, madeAt]), reader.weeklyActuals(db, start, now, now, filters)]);
  const sum = (pick: (w: PlanWeekActual) => number) => actualWeeks.reduce((total, w) => total + pick(w), 0);
  const [current, atStart, targets, capacityRows, backtest] = await Promise.all([
    planFactsAt(db, reader, opps, { targetCents: target.targetCents, start, end, now, windowDays, filters, wonSoFarCents: sum((w) => w.revenueCents) }),
    planFactsAt(db, reader, opps, { targetCents: target.targetCents, start, end, now: start, windowDays, filters, wonSoFarCents: 0 }),
    listKpiTargets(db, { periodStart: target.periodStart }),
    rows<{ week: string; slots: number }>(db, sql`select week, slots from capacity`),
    backtestAt(db, reader, opps, { madeAt, start: backtestPeriod.start.getTime(), end: backtestEnd, windowDays, filters }),
  ]);

  const baseline = makePlan(current.facts);
  const plan = input.whatIf ? makePlan(current.facts, input.whatIf) : baseline;
  const startPlan = makePlan(atStart.facts);
  // Weeks are judged once they are over: a week under way would always look behind.
  const currentWeek = isoWeekOf(new Date(now));
  const tracking = trackPlan(startPlan, actualWeeks.filter((w) => w.week !== currentWeek));
  const [leadsSoFar, qualifiedSoFar, winsSoFar, startsSoFar] = [sum((w) => w.inquiries), sum((w) => w.qualified), sum((w) => w.wins), sum((w) => w.onboardingStarts)];

  const cumulative = (pick: (w: PlanTrackingWeek) => [number | null, number]) => {
    let planned = 0;
    let actual = 0;
    for (const w of tracking) {
      const [p, a] = pick(w);
      if (p === null) return { planned: null, actual: null };
      planned += p;
      actual += a;
    }
    return { planned, actual };
  };
  const line = (
    kind: DepartmentLine['line'],
    label: string,
    actualSoFar: number,
    planFromNow: number | null,
    pick: (w: PlanTrackingWeek) => [number | null, number],
  ): DepartmentLine => {
    const owner = ownerTargetOf(targets, kind, target);
    const toDate = cumulative(pick);
    const status: LineStatus =
      tracking.length === 0 ? 'not_started' : toDate.planned === null ? 'no_plan' : toDate.actual! + 1e-9 >= toDate.planned ? 'on_track' : 'behind';
    return {
      line: kind,
      department: owner?.accountable ?? lineDepartment[kind],
      label,
      ownerTarget: owner ? { id: owner.id, name: owner.name } : null,
      periodTotal: planFromNow === null ? null : actualSoFar + planFromNow,
      actualSoFar,
      planFromNow,
      plannedToDate: toDate.planned,
      status,
    };
  };
  const pipelineAndNew = (p: Plan) => (p.totals.wins === null ? null : p.totals.wins + p.totals.pipelineWins);
  const lines: DepartmentLine[] = [
    line('inquiries', 'Inquiries (new leads), by source', leadsSoFar, plan.totals.inquiries, (w) => [w.plannedInquiries, w.actualInquiries]),
    line('qualified', 'Qualified leads', qualifiedSoFar, plan.totals.qualified, (w) => [w.plannedQualified, w.actualQualified]),
    line('wins', 'Won deals (pipeline and new)', winsSoFar, pipelineAndNew(plan), (w) => [w.plannedWins, w.actualWins]),
    line('onboarding', 'Onboarding starts', startsSoFar, plan.totals.onboardingStarts, (w) => [w.plannedStarts, w.actualStarts]),
  ];

  return {
    target,
    madeAt: iso(now),
    windowDays,
    plan,
    baseline: input.whatIf ? baseline : null,
    facts: current.facts,
    lines,
    tracking,
    capacity: Object.fromEntries(capacityRows.map((c) => [c.week, Number(c.slots)])),
    winProbabilities: current.winProbabilities,
    backtest,
    notes: [...plan.notes, ...current.warnings.map((w) => `Pipeline: ${w}.`)],
  };
}

/** The plan made at `madeAt` for the revenue actually won in its period, against the wins that came. */
async function backtestAt(
  db: Db,
  reader: PlanReader,
  opps: PipelineAt,
  args: { madeAt: number; start: number; end: number; windowDays: number; filters: MetricFilters },
): Promise<PlanBacktest | null> {
  if (args.end <= args.madeAt) return null;
  const range = { from: iso(args.start), to: iso(args.end) };
  const after = { from: iso(args.madeAt), to: iso(args.end) };
  const [reached, wins, inquiries] = await Promise.all([
    reader.actual(db, 'won_revenue', range, args.filters),
    reader.actual(db, 'won_deals', after, args.filters),
    reader.actual(db, 'leads', after, args.filters),
  ]);
  const { facts } = await planFactsAt(db, reader, opps, { targetCents: reached ?? 0, start: args.start, end: args.end, now: args.madeAt, windowDays: args.windowDays, filters: args.filters });
  return scoreBacktest(makePlan(facts), facts, { wins: wins ?? 0, inquiries: inquiries ?? 0 });
}

/** The revenue targets a plan can be made for, latest period first. */
export async function revenueTargets(db: Db): Promise<KpiTarget[]> {
  return (await listKpiTargets(db)).filter((t) => t.metric === 'won_revenue');
}

export interface MadeTargets {
  created: { id: number; name: string; metric: KpiMetric; accountable: Department }[];
  updated: { id: number; name: string; metric: KpiMetric; accountable: Department }[];
  skipped: { metric: KpiMetric; accountable: Department; reason: string }[];
}

/**
 * The plan's lines as KPI targets of its period and filters, one per line: an existing target of
 * the metric is updated (its RACI kept), else one is created, accountable as the line says and with
 * the revenue target's RACI for the rest. A line the user may not set is skipped, with the reason.
 */
export async function makePlanTargets(db: Db, user: { id: number; role: Role; department: string }, request: PlanRequest): Promise<MadeTargets> {
  const result = await revenuePlan(db, request);
  if (result.plan.outcome === 'cannot_close_in_time') throw new PlanInputError('New inquiries cannot close the gap in time: there is no volume to set as targets.');
  const targets = await listKpiTargets(db, { periodStart: result.target.periodStart });
  const made: MadeTargets = { created: [], updated: [], skipped: [] };
  for (const l of result.lines) {
    const metric = lineMetric[l.line];
    if (l.periodTotal === null) continue;
    const value = Math.ceil(l.periodTotal - 1e-9);
    const existing = ownerTargetOf(targets, l.line, result.target);
    const accountable = existing?.accountable ?? l.department;
    if (!canEditTarget(user, { accountable })) {
      made.skipped.push({ metric, accountable, reason: `Only ${accountable}, executives and admins may set this target.` });
      continue;
    }
    if (existing) {
      const { id: _id, createdAt: _c, updatedAt: _u, createdBy: _cb, updatedBy: _ub, ...definition } = existing;
      const updated = await updateKpiTarget(db, existing.id, { ...definition, targetValue: value }, user.id);
      if (updated) made.updated.push({ id: updated.id, name: updated.name, metric, accountable });
      continue;
    }
    const raci = raciFrom(result.target, accountable);
    const definition: KpiTargetInput = {
      name: `Plan: ${kpiMetricInfo[metric].label} for ${result.target.name}`.slice(0, 200),
      metric,
      filters: result.target.filters,
      periodKind: result.target.periodKind,
      periodStart: result.target.periodStart,
      targetValue: value,
      accountable,
      ...raci,
    };
    const created = await createKpiTarget(db, definition, user.id);
    made.created.push({ id: created.id, name: created.name, metric, accountable });
  }
  return made;
}

/** The revenue target's RACI around a new accountable department: its accountable is consulted. */
function raciFrom(target: PlanTarget, accountable: Department): { responsible: Department[]; consulted: Department[]; informed: Department[] } {
  const seen = new Set<Department>([accountable]);
  const take = (list: readonly (Department | null)[]) =>
    list.filter((d): d is Department => {
      if (d === null || seen.has(d)) return false;
      seen.add(d);
      return true;
    });
  const responsible = take(target.responsible);
  const consulted = take([target.accountable, ...target.consulted]);
  const informed = take(target.informed);
  return { responsible, consulted, informed };
}

export type { WhatIf };
