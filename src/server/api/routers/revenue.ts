// Revenue won in the range and the open pipeline; both amounts are money ('seeMoney').
import { metricInput } from '~/server/metrics/filters';
import { revenueSummary } from '~/server/metrics/revenue';
import { maskFields } from '../masking';
import { authedProcedure, createTRPCRouter } from '../trpc';
import { fresh } from '../freshness';

const view = authedProcedure.need('viewDashboards');
const revenueFieldKinds = { wonRevenueCents: 'money', openPipelineCents: 'money' } as const;

export const revenueRouter = createTRPCRouter({
  summary: view
    .input(metricInput)
    .query(async ({ ctx, input }) => fresh(ctx.db, maskFields(ctx.rights, await revenueSummary(ctx.db, input), revenueFieldKinds))),
});
