// Calls a tRPC query over HTTP with a browser context's cookies, as the page's own user, and
// decodes the superjson answer; the numbers a page shows are checked against these.
import type { BrowserContext } from 'playwright-core';
import { url } from './browser';

export async function trpcQuery<T>(context: BrowserContext, path: string, input: unknown): Promise<T> {
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const response = await fetch(url(`/api/trpc/${path}${query}`), { headers: { cookie } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { result: { data: { json: T } } };
  return body.result.data.json;
}

/** Calls a tRPC mutation over HTTP as the context's user. */
export async function trpcMutation<T>(context: BrowserContext, path: string, input: unknown): Promise<T> {
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const response = await fetch(url(`/api/trpc/${path}`), {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ json: input }),
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { result: { data: { json: T } } };
  return body.result.data.json;
}
