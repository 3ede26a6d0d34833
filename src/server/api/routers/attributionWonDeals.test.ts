// The won deals behind the attribution report, to pick one and open its path: won time in range,
// filters applied, latest win first, amounts masked without 'seeMoney'.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { masked } from '~/lib/masked';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { createApiKey } from '~/server/ingest/apiKeys';
import { ingestAndApply } from '~/server/ingest/ingestAndApply';
import { callerAs, createTestUser } from '../testing';

let handle: DbHandle;
const range = { from: '2026-01-01', to: '2026-02-01' };

beforeAll(async () => {
  handle = await createTestDb();
  const sales = await createApiKey(handle.db, { department: 'sales', name: 'sales' });
  const opened = (id: string, account: string, amountCents: number, dealType: string, day: string) => ({
    id: `c-${id}`,
    type: 'opportunity.created',
    occurredAt: `2025-12-${day}T00:00:00Z`,
    data: { opportunityId: id, accountId: account, amountCents, dealType },
  });
  const won = (id: string, at: string) => ({ id: `w-${id}`, type: 'opportunity.won', occurredAt: at, data: { opportunityId: id } });
  await ingestAndApply(handle.db, { apiKeyId: sales.id, department: 'sales' }, [
    opened('o1', 'a1', 1000, 'new', '01'),
    opened('o2', 'a2', 2500, 'renewal', '02'),
    opened('o3', 'a3', 4000, 'new', '03'),
    opened('o4', 'a4', 800, 'new', '04'),
    won('o1', '2026-01-05T00:00:00Z'),
    won('o2', '2026-01-20T00:00:00Z'),
    // outside the range: won on the first instant after it, and before it
    won('o3', '2026-02-01T00:00:00Z'),
    won('o4', '2025-12-31T23:59:59Z'),
  ]);
});
afterAll(() => handle.close());

describe('attribution.wonDeals', () => {
  it('lists the deals won in range, latest first, with their amounts', async () => {
    const caller = callerAs(handle.db, await createTestUser(handle.db, { role: 'sales' }));
    const deals = (await caller.attribution.wonDeals({ range })).items;
    expect(deals.map((d) => [d.opportunityId, d.accountId, d.dealType, d.amountCents, d.wonAt])).toEqual([
      ['o2', 'a2', 'renewal', 2500, '2026-01-20T00:00:00.000Z'],
      ['o1', 'a1', 'new', 1000, '2026-01-05T00:00:00.000Z'],
    ]);
    expect((await caller.attribution.wonDeals({ range, filters: { dealType: 'New' } })).items.map((d) => d.opportunityId)).toEqual(['o1']);
    expect((await caller.attribution.wonDeals({ range, pageSize: 1 })).items.map((d) => d.opportunityId)).toEqual(['o2']);
  });

  it('masks the amounts for a role without seeMoney', async () => {
    const caller = callerAs(handle.db, await createTestUser(handle.db, { role: 'service' }));
    const deals = (await caller.attribution.wonDeals({ range })).items;
    expect(deals.map((d) => [d.opportunityId, d.amountCents])).toEqual([
      ['o2', masked],
      ['o1', masked],
    ]);
  });
});

describe('attribution.wonDeals pages', () => {
  it('continues after the last deal of the previous page (keyset), ties on the won time ordered by id', async () => {
    const sales = await createApiKey(handle.db, { department: 'sales', name: 'sales pages' });
    const opened = (id: string) => ({ id: `pc-${id}`, type: 'opportunity.created', occurredAt: '2026-03-01T00:00:00Z', data: { opportunityId: id, accountId: `acc-${id}`, amountCents: 100, dealType: 'new' } });
    const won = (id: string, at: string) => ({ id: `pw-${id}`, type: 'opportunity.won', occurredAt: at, data: { opportunityId: id } });
    await ingestAndApply(handle.db, { apiKeyId: sales.id, department: 'sales' }, [
      ...['p1', 'p2', 'p3', 'p4', 'p5'].map(opened),
      won('p1', '2026-03-10T00:00:00Z'),
      won('p2', '2026-03-12T00:00:00Z'),
      won('p3', '2026-03-12T00:00:00Z'),
      won('p4', '2026-03-12T00:00:00Z'),
      won('p5', '2026-03-15T00:00:00Z'),
    ]);
    const caller = callerAs(handle.db, await createTestUser(handle.db, { role: 'sales' }));
    const march = { from: '2026-03-01', to: '2026-04-01' };
    // The whole order: p5 (15th); p4, p3, p2 (12th, by id, latest first too); p1 (10th).
    const first = await caller.attribution.wonDeals({ range: march, pageSize: 2 });
    expect(first.items.map((d) => d.opportunityId)).toEqual(['p5', 'p4']);
    const second = await caller.attribution.wonDeals({ range: march, pageSize: 2, after: first.next! });
    expect(second.items.map((d) => d.opportunityId)).toEqual(['p3', 'p2']);
    const third = await caller.attribution.wonDeals({ range: march, pageSize: 2, after: second.next! });
    expect(third.items.map((d) => d.opportunityId)).toEqual(['p1']);
    expect(third.next).toBeNull();
    // And back.
    const secondAgain = await caller.attribution.wonDeals({ range: march, pageSize: 2, before: third.previous! });
    expect(secondAgain.items.map((d) => d.opportunityId)).toEqual(['p3', 'p2']);
  });

  it('refuses a cursor that is not one, or belongs to another list, as a bad request', async () => {
    const caller = callerAs(handle.db, await createTestUser(handle.db, { role: 'sales' }));
    await expect(caller.attribution.wonDeals({ range, after: 'not a cursor!' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const forged = Buffer.from(JSON.stringify({ k: 'wonDeals', v: ['yesterday', 'o1'] })).toString('base64url');
    await expect(caller.attribution.wonDeals({ range, after: forged })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const accounts = await caller.accounts.list({ pageSize: 1 });
    await expect(caller.attribution.wonDeals({ range, after: accounts.next ?? 'x' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
