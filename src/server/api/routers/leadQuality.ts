// Lead quality feedback: qualified and disqualified leads and the reasons sales gave, by source
// and campaign. Counts and reasons only: nothing to mask.
import { metricInput } from '~/server/metrics/filters';
import { leadQuality } from '~/server/metrics/leadQuality';
import { authedProcedure, createTRPCRouter } from '../trpc';
import { fresh } from '../freshness';

const view = authedProcedure.need('viewDashboards');

export const leadQualityRouter = createTRPCRouter({
  report: view.input(metricInput).query(({ ctx, input }) => fresh(ctx.db, leadQuality(ctx.db, input))),
});
