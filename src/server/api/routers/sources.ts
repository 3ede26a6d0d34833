// Lead-to-close by source and campaign. Won revenue is money ('seeMoney'); spend, CAC and ROI are
// spend ('seeSpend'); both are masked, not dropped, for roles without the right.
import { metricInput } from '~/server/metrics/filters';
import { sourcesReport } from '~/server/metrics/sources';
import { authedProcedure, createTRPCRouter } from '../trpc';
import { fresh } from '../freshness';

const view = authedProcedure.need('viewDashboards');

export const sourcesRouter = createTRPCRouter({
  report: view
    .input(metricInput)
    .query(({ ctx, input }) => fresh(ctx.db, sourcesReport(ctx.db, input))),
});
