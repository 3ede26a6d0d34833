// The buyer-journey funnel: stage counts, conversion and velocity of a cohort, its monthly trend,
// and the journeys behind each stage, keyset paged (contact details masked without 'seeContacts').
import { cohortTrend, funnel, funnelInput } from '~/server/metrics/funnel';
import { journeyList, journeyListInput } from '~/server/metrics/lists';
import { declared } from '../masking';
import { authedProcedure, createTRPCRouter } from '../trpc';
import { fresh } from '../freshness';

const view = authedProcedure.need('viewDashboards');

export const funnelRouter = createTRPCRouter({
  report: view.input(funnelInput).query(({ ctx, input }) => fresh(ctx.db, funnel(ctx.db, input))),

  trend: view.input(funnelInput).query(({ ctx, input }) => cohortTrend(ctx.db, input)),

  journeys: view
    .input(journeyListInput)
    .query(async ({ ctx, input }) => {
      const page = await journeyList(ctx.db, input);
      // `name` is a contact's name here (elsewhere a campaign's or an account's): declared per row.
      return { ...page, items: page.items.map((journey) => ({ ...journey, name: declared.contact(journey.name) })) };
    }),
});
