// The accounts and customers procedures through the real middleware chain: contact details and
// money on the timeline and list masked, not dropped, per role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { masked } from '~/lib/masked';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { createApiKey } from '~/server/ingest/apiKeys';
import { ingestAndApply } from '~/server/ingest/ingestAndApply';
import { callerAs, createTestUser } from '../testing';

let handle: DbHandle;

beforeAll(async () => {
  handle = await createTestDb();
  const marketing = await createApiKey(handle.db, { department: 'marketing', name: 'marketing' });
  const sales = await createApiKey(handle.db, { department: 'sales', name: 'sales' });
  await ingestAndApply(handle.db, { apiKeyId: marketing.id, department: 'marketing' }, [
    { id: 'm1', type: 'lead.created', occurredAt: '2026-01-01T00:00:00Z', data: { contactId: 'c1', accountId: 'A1', email: 'ann@a1.test', name: 'Ann', company: 'A One' } },
  ]);
  await ingestAndApply(handle.db, { apiKeyId: sales.id, department: 'sales' }, [
    { id: 's1', type: 'opportunity.created', occurredAt: '2026-01-02T00:00:00Z', data: { opportunityId: 'O1', accountId: 'A1', contactId: 'c1', amountCents: 700, dealType: 'smb' } },
    { id: 's2', type: 'opportunity.won', occurredAt: '2026-01-10T00:00:00Z', data: { opportunityId: 'O1' } },
  ]);
});
afterAll(() => handle.close());

const timelineFields = async (role: 'sales' | 'service' | 'operations' | 'viewer') => {
  const caller = callerAs(handle.db, await createTestUser(handle.db, { role }));
  const timeline = await caller.accounts.timeline({ accountId: 'A1' });
  return timeline.items.map((i) => [i.eventId, i.contactName, i.contactEmail, i.amountCents]);
};

describe('account procedures', () => {
  it('show the timeline whole to a role with every right', async () => {
    expect(await timelineFields('sales')).toEqual([
      ['m1', 'Ann', 'ann@a1.test', null],
      ['s1', 'Ann', 'ann@a1.test', 700],
      ['s2', 'Ann', 'ann@a1.test', 700],
    ]);
  });

  it('mask money for service, contacts for operations, both for viewers', async () => {
    expect(await timelineFields('service')).toEqual([
      ['m1', 'Ann', 'ann@a1.test', masked],
      ['s1', 'Ann', 'ann@a1.test', masked],
      ['s2', 'Ann', 'ann@a1.test', masked],
    ]);
    expect(await timelineFields('operations')).toEqual([
      ['m1', masked, masked, null],
      ['s1', masked, masked, 700],
      ['s2', masked, masked, 700],
    ]);
    expect((await timelineFields('viewer'))[1]).toEqual(['s1', masked, masked, masked]);
  });

  it('mask lifetime value in the list and customer value for a role without seeMoney', async () => {
    const service = callerAs(handle.db, await createTestUser(handle.db, { role: 'service' }));
    const page = await service.accounts.list({});
    expect(page.items.map(({ firstSeenAt: _, ...a }) => a)).toEqual([
      { accountId: 'A1', name: 'A One', stageReached: 'conversion', openDeals: 0, openRenewals: 0, openTickets: 0, lifetimeValueCents: masked, churned: false },
    ]);
    const [value] = await service.customers.values({});
    expect(value).toMatchObject({ accountId: 'A1', lifetimeValueCents: masked, wonCents: masked });
    const [q1] = await service.customers.retention({ range: { from: '2026-01-01', to: '2026-04-01' } });
    expect(q1).toMatchObject({ quarter: '2026-Q1', accounts: 0, startingCents: masked, netRevenueRetention: null });

    const sales = callerAs(handle.db, await createTestUser(handle.db, { role: 'sales' }));
    expect((await sales.accounts.get({ accountId: 'A1' })).lifetimeValueCents).toBe(700);
    await expect(sales.accounts.get({ accountId: 'none' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(callerAs(handle.db, null).accounts.list({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
