// Handoffs between departments and their black-hole lists (contact details masked without
// 'seeContacts'); the SLAs are settings that only 'manage' may change.
import { z } from 'zod';
import { metricInput } from '~/server/metrics/filters';
import { handoffKinds, handoffs } from '~/server/metrics/handoffs';
import { blackHoleList, withPaging } from '~/server/metrics/lists';
import { saveProductSettings } from '~/server/admin/productSettings';
import { getSetting, slaSettings } from '~/server/settings';
import { authedProcedure, createTRPCRouter } from '../trpc';
import { fresh } from '../freshness';

const view = authedProcedure.need('viewDashboards');

export const handoffsInput = metricInput.extend({
  /** the instant open items are judged at; default now */
  asOf: z.iso.datetime({ offset: true }).optional(),
  blackHoleLimit: z.number().int().min(1).max(1000).default(200),
});

export const handoffsRouter = createTRPCRouter({
  report: view
    .input(handoffsInput)
    .query(({ ctx, input }) => fresh(ctx.db, handoffs(ctx.db, { ...input, asOf: input.asOf === undefined ? undefined : new Date(input.asOf) }))),

  /** one handoff's black hole, keyset paged; pass the report's asOf so every page judges the same instant */
  blackHole: view
    .input(withPaging({ ...metricInput.shape, handoff: z.enum(handoffKinds), asOf: z.iso.datetime({ offset: true }) }))
    .query(async ({ ctx, input }) => {
      const { handoff, range, filters, asOf, ...page } = input;
      return blackHoleList(ctx.db, { handoff, range, filters, asOf: new Date(asOf), page });
    }),

  slas: view.query(({ ctx }) => getSetting(ctx.db, 'slas')),

  setSlas: authedProcedure
    .need('manage')
    .input(slaSettings)
    .mutation(async ({ ctx, input }) => (await saveProductSettings(ctx.db, ctx.user, { slas: input })).slas),
});
