// tRPC init and the procedure tiers. Authorisation lives in this chain and nowhere else:
//   publicProcedure            anyone
//   authedProcedure            signed in (ctx.user), else UNAUTHORIZED
//   authedProcedure.need(r)    the role holds right r in the permission matrix, else FORBIDDEN;
//                              its answer is masked for the role's rights (masking.ts)
// Every procedure declares its access in meta (`public` or `right`); a test walks the router and
// fails on any procedure without one.
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError } from 'zod';
import { loadPermissions } from '~/server/auth/permissions';
import { rightsOf, type Right } from '~/server/auth/rights';
import { userFromHeaders } from '~/server/auth/session';
import type { SessionUser } from '~/server/auth/users';
import { maskOutput } from './masking';
import { getDb, type Db } from '~/server/db/client';
import { InvalidCursorError } from '~/server/metrics/keyset';

export interface Context {
  db: Db;
  user: SessionUser | null;
  headers: Headers;
}

export interface Meta {
  /** the right a procedure needs; set by `need()` */
  right?: Right;
  /** set by `publicProcedure`: callable signed out */
  public?: true;
}

export async function createTRPCContext(opts: { headers: Headers; db?: Db }): Promise<Context> {
  const db = opts.db ?? (await getDb());
  return { db, user: await userFromHeaders(db, opts.headers), headers: opts.headers };
}

export interface FieldError {
  path: string;
  message: string;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    // Errors are mapped here once: input errors name their fields, internal causes stay on the server.
    errorFormatter({ shape, error }) {
      const fieldErrors: FieldError[] | null =
        error.code === 'BAD_REQUEST' && error.cause instanceof ZodError
          ? error.cause.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }))
          : null;
      const internal = error.code === 'INTERNAL_SERVER_ERROR';
      return {
        message: internal ? 'Internal server error' : fieldErrors ? 'Invalid input' : shape.message,
        code: shape.code,
        data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path, fieldErrors },
      };
    },
  });

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

// A page cursor the list does not know is the caller's mistake, not the server's.
const base = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof InvalidCursorError) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: result.error.cause.message, cause: result.error.cause });
  }
  return result;
});

export const publicProcedure = base.meta({ public: true });

const signedIn = base.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first.' });
  return next({ ctx: { user: ctx.user } });
});

/** Signed in and holding `required` in the current permission matrix; ctx.rights feeds masking. */
function need(required: Right) {
  return signedIn.meta({ right: required }).use(async ({ ctx, next }) => {
    const rights = rightsOf(ctx.user.role, await loadPermissions(ctx.db));
    if (!rights.has(required)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `Your role may not ${required}.` });
    }
    return next({ ctx: { rights } });
  }).use(async ({ ctx, next }) => {
    // The one place answers are masked: whatever a procedure returns reaches the caller through here.
    const result = await next();
    return result.ok ? { ...result, data: maskOutput(ctx.rights, result.data) } : result;
  });
}

export const authedProcedure = Object.assign(signedIn, { need });

export type AuthedContext = Context & { user: SessionUser; rights: ReadonlySet<Right> };
