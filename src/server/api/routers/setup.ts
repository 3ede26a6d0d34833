// The state of the install, for the getting-started page: has anything been sent yet.
import { ingestionStatus } from '~/server/gettingStarted';
import { authedProcedure, createTRPCRouter } from '../trpc';

export const setupRouter = createTRPCRouter({
  status: authedProcedure.need('viewDashboards').query(({ ctx }) => ingestionStatus(ctx.db)),
});
