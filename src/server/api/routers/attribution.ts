// Attribution: revenue credit by channel and campaign under every model, and the path of one deal.
// Credits are money: masked by the procedure tier for roles without 'seeMoney'.
import { z } from 'zod';
import { attributionDeal, attributionReport } from '~/server/metrics/attribution';
import { wonDeals, wonDealsInput } from '~/server/metrics/lists';
import { metricInput } from '~/server/metrics/filters';
import { authedProcedure, createTRPCRouter } from '../trpc';
import { fresh } from '../freshness';

const view = authedProcedure.need('viewDashboards');

export const attributionRouter = createTRPCRouter({
  report: view
    .input(metricInput)
    .query(({ ctx, input }) => fresh(ctx.db, attributionReport(ctx.db, input))),

  /** the won deals behind the report, to pick one and open its path */
  wonDeals: view.input(wonDealsInput).query(({ ctx, input }) => wonDeals(ctx.db, input)),

  deal: view
    .input(z.object({ opportunityId: z.string().trim().min(1).max(200) }))
    .query(({ ctx, input }) => attributionDeal(ctx.db, input.opportunityId)),
});
