// Accounts: the searchable, keyset-paged list and one account's timeline across departments. Contact details
// and money are masked, not dropped, for roles without 'seeContacts' or 'seeMoney'.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { accountTimeline, getAccount } from '~/server/metrics/accounts';
import { accountList, accountListInput } from '~/server/metrics/lists';
import { commonFieldKinds, maskFields } from '../masking';
import { authedProcedure, createTRPCRouter } from '../trpc';
import { fresh } from '../freshness';

const view = authedProcedure.need('viewDashboards');
const accountFieldKinds = { ...commonFieldKinds, lifetimeValueCents: 'money' } as const;
const accountId = z.string().trim().min(1).max(200);

export const accountsRouter = createTRPCRouter({
  list: view.input(accountListInput).query(async ({ ctx, input }) => maskFields(ctx.rights, await accountList(ctx.db, input), accountFieldKinds)),

  get: view.input(z.object({ accountId })).query(async ({ ctx, input }) => {
    const account = await getAccount(ctx.db, input.accountId);
    if (!account) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such account.' });
    return fresh(ctx.db, maskFields(ctx.rights, account, accountFieldKinds));
  }),

  timeline: view
    .input(
      z.object({
        accountId,
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(500),
      }),
    )
    .query(async ({ ctx, input }) => maskFields(ctx.rights, await accountTimeline(ctx.db, input), accountFieldKinds)),
});
