// Revenue won in the range and the open pipeline; both amounts are money ('seeMoney').
import { metricInput } from '~/server/metrics/filters';
import { revenueSummary } from '~/server/metrics/revenue';
import { authedProcedure, createTRPCRouter } from '../trpc';
import { fresh } from '../freshness';

const view = authedProcedure.need('viewDashboards');

export const revenueRouter = createTRPCRouter({
  summary: view
    .input(metricInput)
    .query(({ ctx, input }) => fresh(ctx.db, revenueSummary(ctx.db, input))),
});
