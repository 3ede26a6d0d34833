// Who is signed in and what they may do: the client uses it to show or hide controls; the server
// enforces the same rights on every call regardless.
import { loadPermissions } from '~/server/auth/permissions';
import { rightsOf, type Right } from '~/server/auth/rights';
import { createTRPCRouter, publicProcedure } from '../trpc';

export const authRouter = createTRPCRouter({
  me: publicProcedure.query(async ({ ctx }) => {
    if (!ctx.user) return null;
    const rights: Right[] = [...rightsOf(ctx.user.role, await loadPermissions(ctx.db))];
    return { ...ctx.user, rights };
  }),
});
