// Attribution: revenue credit by channel and campaign under every model, and the path of one deal.
// Credits are money: masked by the procedure tier for roles without 'seeMoney'.
import { z } from 'zod';
import { attributionDeal, attributionReport, attributionWonDeals } from '~/server/metrics/attribution';
import { metricInput } from '~/server/metrics/filters';
import { authedProcedure, createTRPCRouter } from '../trpc';
import { fresh } from '../freshness';

const view = authedProcedure.need('viewDashboards');

export const attributionRouter = createTRPCRouter({
  report: view
    .input(metricInput)
    .query(({ ctx, input }) => fresh(ctx.db, attributionReport(ctx.db, input))),

  /** the won deals behind the report, to pick one and open its path */
  wonDeals: view
    .input(
      metricInput.extend({
        limit: z.number().int().min(1).max(500).default(200),
        /** keyset: the page after this deal (the last one of the previous page) */
        after: z.object({ wonAt: z.iso.datetime({ offset: true }), opportunityId: z.string().trim().min(1).max(200) }).optional(),
      }),
    )
    .query(({ ctx, input }) => attributionWonDeals(ctx.db, input, input.limit, input.after)),

  deal: view
    .input(z.object({ opportunityId: z.string().trim().min(1).max(200) }))
    .query(({ ctx, input }) => attributionDeal(ctx.db, input.opportunityId)),
});
