// The app router: one sub-router per family. Register a new router here.
import { adminRouter } from './routers/admin';
import { attributionRouter } from './routers/attribution';
import { authRouter } from './routers/auth';
import { forecastRouter } from './routers/forecast';
import { createCallerFactory, createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  auth: authRouter,
  admin: adminRouter,
  attribution: attributionRouter,
  forecast: forecastRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side caller: `createCaller(ctx).auth.me()`; also the seam for router tests. */
export const createCaller = createCallerFactory(appRouter);
