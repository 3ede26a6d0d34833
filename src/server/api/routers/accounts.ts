// Accounts: the searchable, keyset-paged list and one account's timeline across departments. Contact details
// and money are masked by the procedure tier, not dropped, for roles without 'seeContacts' or 'seeMoney'.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { accountTimeline, getAccount } from '~/server/metrics/accounts';
import { accountList, accountListInput } from '~/server/metrics/lists';
import { authedProcedure, createTRPCRouter } from '../trpc';
import { fresh } from '../freshness';

const view = authedProcedure.need('viewDashboards');
const accountId = z.string().trim().min(1).max(200);

export const accountsRouter = createTRPCRouter({
  list: view.input(accountListInput).query(({ ctx, input }) => accountList(ctx.db, input)),

  get: view.input(z.object({ accountId })).query(async ({ ctx, input }) => {
    const account = await getAccount(ctx.db, input.accountId);
    if (!account) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such account.' });
    return fresh(ctx.db, account);
  }),

  timeline: view
    .input(
      z.object({
        accountId,
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(500),
      }),
    )
    .query(({ ctx, input }) => accountTimeline(ctx.db, input)),
});
