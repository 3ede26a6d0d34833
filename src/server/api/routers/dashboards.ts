// Saved dashboards: compose, name, share with roles. Only definitions travel here; the tiles are
// fetched through their own procedures by whoever views the dashboard, with that viewer's rights.
// Anyone may keep dashboards for themselves; sharing needs 'shareDashboards'; only the owner
// changes, shares or deletes one. A dashboard the user may not see is NOT_FOUND.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { SessionUser } from '~/server/auth/users';
import type { Db } from '~/server/db/client';
import {
  canChangeDashboard,
  canViewDashboard,
  createDashboard,
  dashboardDefinition,
  deleteDashboard,
  getDashboard,
  listDashboards,
  shareDashboard,
  shareRoles,
  updateDashboard,
  type Dashboard,
} from '~/server/dashboards';
import { authedProcedure, createTRPCRouter } from '../trpc';

const view = authedProcedure.need('viewDashboards');
const id = z.number().int().positive();

async function visible(db: Db, user: SessionUser, dashboardId: number): Promise<Dashboard> {
  const dashboard = await getDashboard(db, dashboardId);
  if (!dashboard || !canViewDashboard(user, dashboard)) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such dashboard.' });
  return dashboard;
}

async function owned(db: Db, user: SessionUser, dashboardId: number): Promise<Dashboard> {
  const dashboard = await visible(db, user, dashboardId);
  if (!canChangeDashboard(user, dashboard)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Only its owner may change this dashboard.' });
  }
  return dashboard;
}

function found(dashboard: Dashboard | null): Dashboard {
  if (!dashboard) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such dashboard.' });
  return dashboard;
}

/** The dashboard with what this user may do with it, so that pages decide nothing. */
function withAbilities(ctx: { user: SessionUser; rights: ReadonlySet<string> }, dashboard: Dashboard) {
  const yours = canChangeDashboard(ctx.user, dashboard);
  return { ...dashboard, yours, canEdit: yours, canShare: yours && ctx.rights.has('shareDashboards') };
}

export const dashboardsRouter = createTRPCRouter({
  list: view.query(async ({ ctx }) => (await listDashboards(ctx.db, ctx.user)).map((d) => withAbilities(ctx, d))),

  get: view.input(z.object({ id })).query(async ({ ctx, input }) => withAbilities(ctx, await visible(ctx.db, ctx.user, input.id))),

  create: view.input(dashboardDefinition).mutation(({ ctx, input }) => createDashboard(ctx.db, ctx.user.id, input)),

  update: view.input(dashboardDefinition.extend({ id })).mutation(async ({ ctx, input }) => {
    await owned(ctx.db, ctx.user, input.id);
    return found(await updateDashboard(ctx.db, input.id, input));
  }),

  share: authedProcedure
    .need('shareDashboards')
    .input(z.object({ id, roles: shareRoles }))
    .mutation(async ({ ctx, input }) => {
      await owned(ctx.db, ctx.user, input.id);
      return found(await shareDashboard(ctx.db, input.id, input.roles));
    }),

  delete: view.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    await owned(ctx.db, ctx.user, input.id);
    await deleteDashboard(ctx.db, input.id, ctx.user.id);
    return { id: input.id };
  }),
});
