// Customer value: lifetime value per account, net and gross revenue retention by quarter, and the
// customers page's report (churn and expansion by reason, advocacy, LTV by origin, yearly
// cohorts). Revenue is money: masked for roles without 'seeMoney'; shares and counts are not.
import { z } from 'zod';
import { customerReport, customerValues, netRevenueRetention } from '~/server/metrics/customers';
import { dateRange, metricFilters } from '~/server/metrics/filters';
import { commonFieldKinds, maskFields } from '../masking';
import { authedProcedure, createTRPCRouter } from '../trpc';

const view = authedProcedure.need('viewDashboards');
const customerFieldKinds = {
  ...commonFieldKinds,
  wonCents: 'money',
  renewalCents: 'money',
  expansionCents: 'money',
  lifetimeValueCents: 'money',
  startingCents: 'money',
  churnedCents: 'money',
  endingCents: 'money',
  averageLifetimeValueCents: 'money',
} as const;

export const customersRouter = createTRPCRouter({
  values: view
    .input(
      z.object({
        filters: metricFilters.default({}),
        page: z.number().int().min(1).default(1),
        pageSize: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(async ({ ctx, input }) =>
      maskFields(
        ctx.rights,
        await customerValues(ctx.db, { filters: input.filters, limit: input.pageSize, offset: (input.page - 1) * input.pageSize }),
        customerFieldKinds,
      ),
    ),

  retention: view
    .input(z.object({ range: dateRange, filters: metricFilters.default({}) }))
    .query(async ({ ctx, input }) => maskFields(ctx.rights, await netRevenueRetention(ctx.db, input), customerFieldKinds)),

  report: view
    .input(z.object({ range: dateRange, filters: metricFilters.default({}) }))
    .query(async ({ ctx, input }) =>
      maskFields(ctx.rights, await customerReport(ctx.db, { ...input, now: new Date() }), customerFieldKinds),
    ),
});
