// The app router: one sub-router per family. Register a new router here.
import type { TRPCBuiltRouter, TRPCMutationProcedure, TRPCQueryProcedure, TRPCRouterCaller } from '@trpc/server';
import type { Masked } from './masking';
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

type Routers = typeof appRouter._def.record;

/** Every procedure of a record with its output as `maskOutput` leaves it. */
type MaskedRecord<R> = {
  [K in keyof R]: R[K] extends TRPCQueryProcedure<infer D>
    ? TRPCQueryProcedure<{ input: D['input']; output: Masked<D['output']>; meta: D['meta'] }>
    : R[K] extends TRPCMutationProcedure<infer D>
      ? TRPCMutationProcedure<{ input: D['input']; output: Masked<D['output']>; meta: D['meta'] }>
      : MaskedRecord<R[K]>;
};

/**
 * The router as callers see it: the answers of every `need()` procedure pass through the tier's
 * masking (trpc.ts), so their types are `Masked<...>`. `auth` holds the one public procedure, unmasked.
 */
export type AppRouter = TRPCBuiltRouter<
  typeof appRouter._def._config.$types,
  { [K in keyof Routers]: K extends 'auth' ? Routers[K] : MaskedRecord<Routers[K]> }
>;

/** Server-side caller: `createCaller(ctx).auth.me()`; also the seam for router tests. */
export const createCaller = createCallerFactory(appRouter) as unknown as TRPCRouterCaller<
  typeof appRouter._def._config.$types,
  AppRouter['_def']['record']
>;
