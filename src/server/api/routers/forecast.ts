// The onboarding forecast: expected wins and starts per ISO week against capacity, with backtests.
// Counts only, no money: every role sees it.
import { forecastInput, onboardingForecast } from '~/server/metrics/forecast';
import { authedProcedure, createTRPCRouter } from '../trpc';
import { fresh } from '../freshness';

export const forecastRouter = createTRPCRouter({
  onboarding: authedProcedure
    .need('viewDashboards')
    .input(forecastInput)
    .query(({ ctx, input }) => fresh(ctx.db, onboardingForecast(ctx.db, input))),
});
