// The tRPC HTTP endpoint as the route handler runs it, against a real database: the batch cap and
// the cross-site check on mutations, with a real session cookie.
import { eq } from 'drizzle-orm';
import { encode } from 'next-auth/jwt';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAuthSecret } from '~/server/auth/secret';
import type { SessionUser } from '~/server/auth/users';
import type { DbHandle } from '~/server/db/client';
import { users } from '~/server/db/schema';
import { createTestDb } from '~/server/db/testing';
import { handleTrpcRequest, maxBatchCalls } from './http';
import { createTestUser } from './testing';

let handle: DbHandle;
let admin: SessionUser;
let cookie: string;

beforeAll(async () => {
  handle = await createTestDb();
  admin = await createTestUser(handle.db, { role: 'admin' });
  cookie = `next-auth.session-token=${await encode({ token: { sub: String(admin.id) }, secret: await getAuthSecret(handle.db) })}`;
});
afterAll(() => handle.close());

const site = 'http://funnel.test';

function batchGet(calls: number): Request {
  const paths = Array.from({ length: calls }, () => 'auth.me').join(',');
  const input = Object.fromEntries(Array.from({ length: calls }, (_, i) => [i, { json: null }]));
  return new Request(`${site}/api/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`, {
    headers: { cookie, host: 'funnel.test' },
  });
}

function createUser(email: string, headers: Record<string, string>): Request {
  return new Request(`${site}/api/trpc/admin.users.create`, {
    method: 'POST',
    headers: { cookie, host: 'funnel.test', 'content-type': 'application/json', ...headers },
    body: JSON.stringify(superjson.serialize({ email, name: 'Made Over HTTP', role: 'viewer', department: 'x' })),
  });
}

const exists = async (email: string) => (await handle.db.select().from(users).where(eq(users.email, email))).length === 1;

describe('tRPC over HTTP', () => {
  it(`answers a batch of ${maxBatchCalls} calls and refuses one of ${maxBatchCalls + 1}`, async () => {
    const ok = await handleTrpcRequest(batchGet(maxBatchCalls), { db: handle.db });
    expect(ok.status).toBe(200);
    const answers = (await ok.json()) as { result: { data: { json: { email: string } } } }[];
    expect(answers).toHaveLength(20);
    expect(answers.every((a) => a.result.data.json.email === admin.email)).toBe(true);

    const refused = await handleTrpcRequest(batchGet(maxBatchCalls + 1), { db: handle.db });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      error: { message: 'A batch may hold at most 20 calls; this one holds 21. Send them in smaller batches.', code: 'BAD_REQUEST', httpStatus: 400 },
    });
  });

  it('refuses a mutation sent from another site, and changes nothing', async () => {
    const foreign = await handleTrpcRequest(createUser('csrf@example.com', { origin: 'https://evil.example' }), { db: handle.db });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { message: string } }).error.message).toBe(
      'Refused: this request came from another site (Origin: https://evil.example).',
    );
    const crossSite = await handleTrpcRequest(createUser('csrf@example.com', { 'sec-fetch-site': 'cross-site' }), { db: handle.db });
    expect(crossSite.status).toBe(403);
    const nullOrigin = await handleTrpcRequest(createUser('csrf@example.com', { origin: 'null' }), { db: handle.db });
    expect(nullOrigin.status).toBe(403);
    expect(await exists('csrf@example.com')).toBe(false);
  });

  it('runs a mutation from this site, or from a program that sends no Origin', async () => {
    const same = await handleTrpcRequest(createUser('same@example.com', { origin: site, 'sec-fetch-site': 'same-origin' }), { db: handle.db });
    expect(same.status).toBe(200);
    expect(await exists('same@example.com')).toBe(true);
    const program = await handleTrpcRequest(createUser('script@example.com', {}), { db: handle.db });
    expect(program.status).toBe(200);
    expect(await exists('script@example.com')).toBe(true);
  });

  it('answers queries whatever their origin: they change nothing', async () => {
    const request = new Request(`${site}/api/trpc/auth.me`, { headers: { cookie, origin: 'https://evil.example', host: 'funnel.test' } });
    expect((await handleTrpcRequest(request, { db: handle.db })).status).toBe(200);
  });
});
