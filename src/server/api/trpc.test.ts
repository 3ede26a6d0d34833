// The procedure tiers and the error formatter, on a small router built from them.
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { savePermissions, loadPermissions } from '~/server/auth/permissions';
import { withRight } from '~/server/auth/rights';
import type { SessionUser } from '~/server/auth/users';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { createTestUser } from './testing';
import { authedProcedure, createCallerFactory, createTRPCRouter, publicProcedure } from './trpc';

const router = createTRPCRouter({
  open: publicProcedure.query(() => 'open'),
  money: authedProcedure
    .need('seeMoney')
    .input(z.object({ amount: z.number().int().min(0), label: z.string().min(1) }))
    .query(({ ctx, input }) => ({ who: ctx.user.email, rights: [...ctx.rights], amount: input.amount })),
  crash: authedProcedure.need('viewDashboards').query((): string => {
    throw new Error('relation "secret_table" does not exist');
  }),
});
const createCaller = createCallerFactory(router);

let handle: DbHandle;
let sales: SessionUser;
let viewer: SessionUser;

beforeAll(async () => {
  handle = await createTestDb();
  sales = await createTestUser(handle.db, { role: 'sales' });
  viewer = await createTestUser(handle.db, { role: 'viewer' });
});
afterAll(() => handle.close());

const as = (user: SessionUser | null) => createCaller({ db: handle.db, user, headers: new Headers() });

async function failure(run: () => Promise<unknown>): Promise<TRPCError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('procedure tiers', () => {
  it('lets anyone call a public procedure', async () => {
    expect(await as(null).open()).toBe('open');
  });

  it('answers UNAUTHORIZED when signed out', async () => {
    expect((await failure(() => as(null).money({ amount: 1, label: 'x' }))).code).toBe('UNAUTHORIZED');
  });

  it('answers FORBIDDEN to a signed-in role without the right', async () => {
    expect((await failure(() => as(viewer).money({ amount: 1, label: 'x' }))).code).toBe('FORBIDDEN');
  });

  it('passes the user and the role rights on to the procedure', async () => {
    const result = await as(sales).money({ amount: 5, label: 'x' });
    expect(result.who).toBe(sales.email);
    expect(result.amount).toBe(5);
    expect(result.rights).toContain('seeMoney');
    expect(result.rights).not.toContain('seeSpend');
  });

  it('applies a changed permission matrix on the next call', async () => {
    const before = await loadPermissions(handle.db);
    await savePermissions(handle.db, withRight(before, 'viewer', 'seeMoney', true));
    expect((await as(viewer).money({ amount: 1, label: 'x' })).amount).toBe(1);
    await savePermissions(handle.db, before);
    expect((await failure(() => as(viewer).money({ amount: 1, label: 'x' }))).code).toBe('FORBIDDEN');
  });

  it('declares the right in the procedure meta', () => {
    expect(router._def.procedures.money._def.meta).toEqual({ right: 'seeMoney' });
    expect(router._def.procedures.open._def.meta).toEqual({ public: true });
  });
});

describe('error formatting', () => {
  const format = (error: TRPCError, path: string) =>
    router._def._config.errorFormatter({
      error,
      type: 'query',
      path,
      input: undefined,
      ctx: undefined,
      shape: {
        message: error.message,
        code: -32603,
        data: { code: error.code, httpStatus: 500, path },
      },
    });

  it('names the fields of an invalid input', async () => {
    const error = await failure(() => as(sales).money({ amount: -1, label: '' }));
    expect(error.code).toBe('BAD_REQUEST');
    const shape = format(error, 'money');
    expect(shape.message).toBe('Invalid input');
    expect(shape.data.fieldErrors?.map((e) => e.path).sort()).toEqual(['amount', 'label']);
  });

  it('never passes an internal cause to the client', async () => {
    const error = await failure(() => as(sales).crash());
    expect(error.code).toBe('INTERNAL_SERVER_ERROR');
    const shape = format(error, 'crash');
    expect(shape.message).toBe('Internal server error');
    expect(JSON.stringify(shape)).not.toContain('secret_table');
  });
});
