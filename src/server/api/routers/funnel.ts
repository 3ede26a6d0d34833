// The buyer-journey funnel: stage counts, conversion and velocity of a cohort, its monthly trend,
// and the journeys behind each stage, keyset paged (contact details masked without 'seeContacts').
import { cohortTrend, funnel, funnelInput } from '~/server/metrics/funnel';
import { journeyList, journeyListInput } from '~/server/metrics/lists';
import { commonFieldKinds, maskFields } from '../masking';
import { authedProcedure, createTRPCRouter } from '../trpc';
import { fresh } from '../freshness';

const view = authedProcedure.need('viewDashboards');
const journeyFieldKinds = { ...commonFieldKinds, name: 'contact' } as const;

export const funnelRouter = createTRPCRouter({
  report: view.input(funnelInput).query(({ ctx, input }) => fresh(ctx.db, funnel(ctx.db, input))),

  trend: view.input(funnelInput).query(({ ctx, input }) => cohortTrend(ctx.db, input)),

  journeys: view
    .input(journeyListInput)
    .query(async ({ ctx, input }) => maskFields(ctx.rights, await journeyList(ctx.db, input), journeyFieldKinds)),
});
