// tRPC for server components: `const api = await serverCaller(); await api.family.procedure(input)`
// runs the procedure in-process with the request's session, through the same rights checks.
// `viewer()` is the signed-in user with their rights, read once per request: pages ask it what to
// show (an export button, an admin link) and the procedures' own answers (canEdit, canShare) for
// what may be changed; the server enforces both again on every call.
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import type { Right } from '~/server/auth/rights';
import { createCaller } from '~/server/api/root';
import { createTRPCContext } from '~/server/api/trpc';

const createContext = cache(async () => createTRPCContext({ headers: new Headers(await headers()) }));

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

/** The signed-in user and their rights (auth.me), once per request; null when signed out. */
export const viewer = cache(async () => (await serverCaller()).auth.me());

/** Whether the signed-in user holds `right` in the current permission matrix. */
export async function viewerCan(right: Right): Promise<boolean> {
  return (await viewer())?.rights.includes(right) ?? false;
}
