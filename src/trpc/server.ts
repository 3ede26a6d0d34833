// tRPC for server components: `const api = await serverCaller(); await api.family.procedure(input)`
// runs the procedure in-process with the request's session, through the same rights checks.
// `trpc` + `HydrateClient` prefetch queries that a client island then reads without a round trip.
import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache, createElement, type ReactNode } from 'react';
import { createCaller, maskedAppRouter } from '~/server/api/root';
import { createTRPCContext } from '~/server/api/trpc';
import { createQueryClient } from './query-client';

const createContext = cache(async () => createTRPCContext({ headers: new Headers(await headers()) }));

export const getQueryClient = cache(createQueryClient);

export const trpc = createTRPCOptionsProxy({ ctx: createContext, router: maskedAppRouter, queryClient: getQueryClient });

export async function serverCaller() {
  return createCaller(await createContext());
}

/** The signed-in user of this request, or null. */
export async function currentUser() {
  return (await createContext()).user;
}

/** The signed-in user, or a redirect to sign-in (a stale cookie of a disabled account ends here). */
export async function requireUser() {
  const user = await currentUser();
  if (!user) redirect('/signin');
  return user;
}

export function HydrateClient({ children }: { children: ReactNode }) {
  return createElement(HydrationBoundary, { state: dehydrate(getQueryClient()) }, children);
}
