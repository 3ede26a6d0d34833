// Plan backwards from a revenue target: the plan with its department lines, tracking and backtest,
// the revenue targets it can be made for, and "make these KPI targets". Money (targets, revenue,
// amounts) is masked without 'seeMoney', spend and cost per inquiry without 'seeSpend'; the facts
// for recomputing a what-if in the browser go only to roles that see money.
import { TRPCError } from '@trpc/server';
import type { Right } from '~/server/auth/rights';
import { kpiMetricInfo } from '~/server/kpiTargets';
import { makePlanTargets, planInput, PlanInputError, revenuePlan, revenueTargets, type RevenuePlan } from '~/server/metrics/plan';
import type { PlanFacts } from '~/server/metrics/planMath';
import { fresh } from '../freshness';
import { maskFields, maskValue, type FieldKinds } from '../masking';
import { authedProcedure, createTRPCRouter } from '../trpc';

const view = authedProcedure.need('viewDashboards');
const edit = authedProcedure.need('editOwnKpiTargets');

/** Every money and spend field of a plan, at any depth. */
export const planFieldKinds = {
  targetCents: 'money',
  wonSoFarCents: 'money',
  pipelineCents: 'money',
  gapCents: 'money',
  revenueCents: 'money',
  meanWonCents: 'money',
  valuePerInquiryCents: 'money',
  planRevenueCents: 'money',
  cents: 'money',
  shortfallCents: 'money',
  spendCents: 'spend',
  costPerInquiryCents: 'spend',
  planSpendCents: 'spend',
  budgetCents: 'spend',
} as const satisfies FieldKinds;

/** The facts a browser may recompute from: money only for roles that see it, spend as 0 without 'seeSpend'. */
function factsFor(rights: ReadonlySet<Right>, facts: PlanFacts): PlanFacts | null {
  if (!rights.has('seeMoney')) return null;
  if (rights.has('seeSpend')) return facts;
  return { ...facts, sources: facts.sources.map((s) => ({ ...s, spendCents: 0 })) };
}

export function maskPlan<T extends RevenuePlan>(rights: ReadonlySet<Right>, result: T) {
  const { facts, ...rest } = result;
  return { ...maskFields(rights, rest, planFieldKinds), facts: factsFor(rights, facts) };
}

async function asBadRequest<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof PlanInputError) throw new TRPCError({ code: 'BAD_REQUEST', message: error.message });
    throw error;
  }
}

export const planRouter = createTRPCRouter({
  targets: view.query(async ({ ctx }) =>
    (await revenueTargets(ctx.db)).map((t) => ({
      id: t.id,
      name: t.name,
      periodKind: t.periodKind,
      periodStart: t.periodStart,
      accountable: t.accountable,
      filters: t.filters,
      targetValue: maskValue(ctx.rights, 'money', t.targetValue),
    })),
  ),

  get: view.input(planInput).query(async ({ ctx, input }) => maskPlan(ctx.rights, await fresh(ctx.db, asBadRequest(revenuePlan(ctx.db, input))))),

  makeTargets: edit.input(planInput).mutation(async ({ ctx, input }) => {
    const made = await asBadRequest(makePlanTargets(ctx.db, ctx.user, input));
    const label = (metric: keyof typeof kpiMetricInfo) => kpiMetricInfo[metric].label;
    return { ...made, summary: [...made.created, ...made.updated].map((t) => label(t.metric)) };
  }),
});
