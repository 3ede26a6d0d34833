// The tRPC HTTP endpoint: batches are capped, and calls that change state (POST) must come from
// this site (origin.ts). Queries are GET and change nothing.
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { Db } from '~/server/db/client';
import { crossSiteRefusal, crossSiteResponse } from './origin';
import { appRouter } from './root';
import { createTRPCContext } from './trpc';

export const trpcEndpoint = '/api/trpc';
/** calls one HTTP request may carry; the browser client batches no more than this */
export const maxBatchCalls = 20;

/** The number of calls a tRPC request carries (`/api/trpc/a,b,c?batch=1`). */
export function batchSize(url: URL): number {
  if (url.searchParams.get('batch') !== '1') return 1;
  const paths = url.pathname.slice(url.pathname.indexOf(trpcEndpoint) + trpcEndpoint.length + 1);
  return paths.split(',').length;
}

export async function handleTrpcRequest(req: Request, options: { db?: Db } = {}): Promise<Response> {
  const url = new URL(req.url);
  const calls = batchSize(url);
  if (calls > maxBatchCalls) {
    const message = `A batch may hold at most ${maxBatchCalls} calls; this one holds ${calls}. Send them in smaller batches.`;
    return Response.json({ error: { message, code: 'BAD_REQUEST', httpStatus: 400 } }, { status: 400 });
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    const refusal = crossSiteRefusal(req.headers, req.url);
    if (refusal) return crossSiteResponse(refusal);
  }
  return fetchRequestHandler({
    endpoint: trpcEndpoint,
    req,
    router: appRouter,
    maxBatchSize: maxBatchCalls,
    createContext: () => createTRPCContext({ headers: req.headers, db: options.db }),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`tRPC ${path ?? '?'} failed:`, error.cause ?? error);
    },
  });
}
