// The app router: one sub-router per family. Register a new router here.
import { accountsRouter } from './routers/accounts';
import { adminRouter } from './routers/admin';
import { alertsRouter } from './routers/alerts';
import { attributionRouter } from './routers/attribution';
import { authRouter } from './routers/auth';
import { customersRouter } from './routers/customers';
import { dashboardsRouter } from './routers/dashboards';
import { forecastRouter } from './routers/forecast';
import { funnelRouter } from './routers/funnel';
import { handoffsRouter } from './routers/handoffs';
import { importsRouter } from './routers/imports';
import { kpisRouter } from './routers/kpis';
import { leadQualityRouter } from './routers/leadQuality';
import { notesRouter } from './routers/notes';
import { planRouter } from './routers/plan';
import { revenueRouter } from './routers/revenue';
import { setupRouter } from './routers/setup';
import { sourcesRouter } from './routers/sources';
import { createCallerFactory, createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  auth: authRouter,
  admin: adminRouter,
  attribution: attributionRouter,
  forecast: forecastRouter,
  plan: planRouter,
  accounts: accountsRouter,
  customers: customersRouter,
  kpis: kpisRouter,
  funnel: funnelRouter,
  sources: sourcesRouter,
  leadQuality: leadQualityRouter,
  handoffs: handoffsRouter,
  revenue: revenueRouter,
  dashboards: dashboardsRouter,
  setup: setupRouter,
  imports: importsRouter,
  alerts: alertsRouter,
  notes: notesRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side caller: `createCaller(ctx).auth.me()`; also the seam for router tests. */
export const createCaller = createCallerFactory(appRouter);
