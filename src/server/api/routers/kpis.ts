// KPI targets: each with its actual, run-rate projection and status, and their editing. Editing
// needs 'editOwnKpiTargets' and, unless executive or admin, to be the accountable department.
// Targets, actuals and projections of revenue metrics are declared money; budgets are spend (by
// field name); the procedure tier masks both.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { canEditTarget } from '~/server/auth/kpiTargets';
import type { SessionUser } from '~/server/auth/users';
import { department, departments } from '~/server/ingest/catalogue';
import { createKpiTarget, deleteKpiTarget, getKpiTarget, kpiMetricInfo, kpiMetrics, kpiTargetInput, updateKpiTarget, type KpiTarget } from '~/server/kpiTargets';
import { kpiTargetStatuses, type KpiTargetStatus } from '~/server/metrics/kpis';
import { declared } from '../masking';
import { authedProcedure, createTRPCRouter } from '../trpc';

const view = authedProcedure.need('viewDashboards');
const edit = authedProcedure.need('editOwnKpiTargets');
const id = z.number().int().positive();

/** A target's value is money when its metric is (revenue in cents), else a count or rate. */
function declareTarget(target: KpiTarget) {
  return { ...target, targetValue: declared.moneyIf(kpiMetricInfo[target.metric].unit === 'cents', target.targetValue) };
}

function declareStatus(status: KpiTargetStatus) {
  const money = kpiMetricInfo[status.target.metric].unit === 'cents';
  return {
    ...status,
    target: declareTarget(status.target),
    actual: declared.moneyIf(money, status.actual),
    projection: declared.moneyIf(money, status.projection),
  };
}

function assertCanEdit(user: SessionUser, target: { accountable: string }): void {
  if (!canEditTarget(user, target)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: `Only ${target.accountable}, executives and admins may edit this target.` });
  }
}

export const kpisRouter = createTRPCRouter({
  metrics: view.query(() => kpiMetrics.map((metric) => ({ metric, ...kpiMetricInfo[metric] }))),

  /** Whether the caller may make targets, and the accountable departments the server accepts from them. */
  editing: view.query(({ ctx }) => {
    const canCreate = ctx.rights.has('editOwnKpiTargets');
    return { canCreate, departments: canCreate ? departments.filter((d) => canEditTarget(ctx.user, { accountable: d })) : [] };
  }),

  list: view
    .input(
      z.object({
        department: department.optional(),
        periodStart: z.iso.date().optional(),
        /** defaults to now */
        asOf: z.iso.datetime({ offset: true }).optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const statuses = await kpiTargetStatuses(ctx.db, {
        department: input.department,
        periodStart: input.periodStart,
        asOf: input.asOf ? new Date(input.asOf) : new Date(),
      });
      // The page offers editing where the server would allow it, and decides nothing itself.
      const mayEdit = ctx.rights.has('editOwnKpiTargets');
      return statuses.map((status) => ({ ...declareStatus(status), canEdit: mayEdit && canEditTarget(ctx.user, status.target) }));
    }),

  create: edit.input(kpiTargetInput).mutation(async ({ ctx, input }) => {
    assertCanEdit(ctx.user, input);
    return declareTarget(await createKpiTarget(ctx.db, input, ctx.user.id));
  }),

  update: edit.input(z.object({ id, target: kpiTargetInput })).mutation(async ({ ctx, input }) => {
    const existing = await getKpiTarget(ctx.db, input.id);
    if (!existing) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such target.' });
    assertCanEdit(ctx.user, existing);
    assertCanEdit(ctx.user, input.target);
    // A role that sees the budget as masked cannot have meant to change it: keep the stored one.
    const target = ctx.rights.has('seeSpend') ? input.target : { ...input.target, budgetCents: existing.budgetCents };
    const updated = await updateKpiTarget(ctx.db, input.id, target, ctx.user.id);
    if (!updated) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such target.' });
    return declareTarget(updated);
  }),

  delete: edit.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    const existing = await getKpiTarget(ctx.db, input.id);
    if (!existing) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such target.' });
    assertCanEdit(ctx.user, existing);
    await deleteKpiTarget(ctx.db, input.id);
    return { id: input.id };
  }),
});
