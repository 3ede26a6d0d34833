// Attribution: revenue credit by channel and campaign under every model, and the path of one deal.
// Credits are money: masked for roles without 'seeMoney'.
import { z } from 'zod';
import { attributionDeal, attributionReport } from '~/server/metrics/attribution';
import { wonDeals, wonDealsInput } from '~/server/metrics/lists';
import { metricInput } from '~/server/metrics/filters';
import { commonFieldKinds, maskFields } from '../masking';
import { authedProcedure, createTRPCRouter } from '../trpc';
import { fresh } from '../freshness';

const view = authedProcedure.need('viewDashboards');
const attributionFieldKinds = { ...commonFieldKinds, credits: 'money' } as const;

export const attributionRouter = createTRPCRouter({
  report: view
    .input(metricInput)
    .query(async ({ ctx, input }) => fresh(ctx.db, maskFields(ctx.rights, await attributionReport(ctx.db, input), attributionFieldKinds))),

  /** the won deals behind the report, to pick one and open its path */
  wonDeals: view.input(wonDealsInput).query(async ({ ctx, input }) => maskFields(ctx.rights, await wonDeals(ctx.db, input), attributionFieldKinds)),

  deal: view
    .input(z.object({ opportunityId: z.string().trim().min(1).max(200) }))
    .query(async ({ ctx, input }) => maskFields(ctx.rights, await attributionDeal(ctx.db, input.opportunityId), attributionFieldKinds)),
});
