// Customer value: lifetime value per account, net and gross revenue retention by quarter, and the
// customers page's report (churn and expansion by reason, advocacy, LTV by origin, yearly
// cohorts). Revenue is money: masked by the procedure tier for roles without 'seeMoney'; shares and
// counts are not.
import { z } from 'zod';
import { customerReport, customerValues, netRevenueRetention } from '~/server/metrics/customers';
import { dateRange, metricFilters } from '~/server/metrics/filters';
import { authedProcedure, createTRPCRouter } from '../trpc';

const view = authedProcedure.need('viewDashboards');

export const customersRouter = createTRPCRouter({
  values: view
    .input(
      z.object({
        filters: metricFilters.default({}),
        page: z.number().int().min(1).default(1),
        pageSize: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(({ ctx, input }) => customerValues(ctx.db, { filters: input.filters, limit: input.pageSize, offset: (input.page - 1) * input.pageSize })),

  retention: view
    .input(z.object({ range: dateRange, filters: metricFilters.default({}) }))
    .query(({ ctx, input }) => netRevenueRetention(ctx.db, input)),

  report: view
    .input(z.object({ range: dateRange, filters: metricFilters.default({}) }))
    .query(({ ctx, input }) => customerReport(ctx.db, { ...input, now: new Date() })),
});
