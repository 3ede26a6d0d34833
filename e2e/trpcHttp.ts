// Calls a tRPC query over HTTP with a browser context's cookies, as the page's own user, and
// decodes the superjson answer; the numbers a page shows are checked against these. Paths, inputs
// and answers are typed from the app's router, so a test cannot drift from what a procedure returns.
import type { AnyProcedure, inferProcedureInput, inferProcedureOutput } from '@trpc/server';
import type { BrowserContext } from 'playwright-core';
import type { AppRouter } from '~/server/api/root';
import { url } from './browser';

type Procedures = AppRouter['_def']['record'];
type PathsOf<R, Prefix extends string = ''> = {
  [K in keyof R & string]: R[K] extends AnyProcedure ? `${Prefix}${K}` : PathsOf<R[K], `${Prefix}${K}.`>;
}[keyof R & string];
type At<R, Path extends string> = Path extends `${infer Head}.${infer Rest}` ? (Head extends keyof R ? At<R[Head], Rest> : never) : Path extends keyof R ? R[Path] : never;

/** Every procedure's dotted path, e.g. 'attribution.report'. */
export type ProcedurePath = PathsOf<Procedures>;
export type InputOf<P extends ProcedurePath> = At<Procedures, P> extends AnyProcedure ? inferProcedureInput<At<Procedures, P>> : never;
/** A procedure's answer as the test reads it (the JSON part of the superjson answer). */
export type OutputOf<P extends ProcedurePath> = At<Procedures, P> extends AnyProcedure ? inferProcedureOutput<At<Procedures, P>> : never;

export async function trpcQuery<P extends ProcedurePath>(context: BrowserContext, path: P, input: NoInfer<InputOf<P>>): Promise<OutputOf<P>> {
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const response = await fetch(url(`/api/trpc/${path}${query}`), { headers: { cookie } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { result: { data: { json: OutputOf<P> } } };
  return body.result.data.json;
}

/** Calls a tRPC mutation over HTTP as the context's user. */
export async function trpcMutation<P extends ProcedurePath>(context: BrowserContext, path: P, input: NoInfer<InputOf<P>>): Promise<OutputOf<P>> {
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const response = await fetch(url(`/api/trpc/${path}`), {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ json: input }),
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { result: { data: { json: OutputOf<P> } } };
  return body.result.data.json;
}
