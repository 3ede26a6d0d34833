import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { masked } from '~/lib/masked';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { event, send } from '~/server/metrics/fixtures';
import { callerAs, createTestUser } from '../testing';

let handle: DbHandle;
const range = { from: '2025-01-01', to: '2026-01-01' };

beforeAll(async () => {
  handle = await createTestDb();
  // A1: customer since 2024-09-01 (10000), expands by 1500, churns in 2025 (price), one referral.
  await send(handle.db, [
    event('s1', 'opportunity.created', '2024-08-01T00:00:00Z', { opportunityId: 'O1', accountId: 'A1', amountCents: 10000, dealType: 'new_business' }),
    event('s2', 'opportunity.won', '2024-09-01T00:00:00Z', { opportunityId: 'O1' }),
    event('o1', 'account.expanded', '2025-02-01T00:00:00Z', { accountId: 'A1', amountCents: 1500 }),
    event('o2', 'account.churned', '2025-05-01T00:00:00Z', { accountId: 'A1', reason: 'price' }),
    event('o3', 'account.advocacy', '2025-03-01T00:00:00Z', { accountId: 'A1', kind: 'referral' }),
  ]);
});

afterAll(() => handle.close());

describe('customers.report and customers.retention', () => {
  it('show money to roles that may see it', async () => {
    const api = callerAs(handle.db, await createTestUser(handle.db, { role: 'operations' }));
    const report = await api.customers.report({ range });
    expect(report.churnedByReason).toEqual([{ reason: 'price', accounts: 1, churnedCents: 11500 }]);
    expect(report.expansionByReason).toEqual([{ reason: 'account expansion', items: 1, accounts: 1, expansionCents: 1500 }]);
    expect(report.advocacyByKind).toEqual([{ kind: 'referral', events: 1, accounts: 1 }]);
    const [q1] = await api.customers.retention({ range: { from: '2025-01-01', to: '2025-04-01' } });
    expect(q1).toMatchObject({ startingCents: 10000, expansionCents: 1500, netRevenueRetention: 1.15, grossRetention: 1 });
  });

  it('mask money, never counts or shares, for roles without seeMoney', async () => {
    const api = callerAs(handle.db, await createTestUser(handle.db, { role: 'service' }));
    const report = await api.customers.report({ range: { from: '2024-01-01', to: '2026-01-01' } });
    expect(report.churnedByReason).toEqual([{ reason: 'price', accounts: 1, churnedCents: masked }]);
    expect(report.expansionByReason[0]).toMatchObject({ items: 1, expansionCents: masked });
    expect(report.valueBy.segment).toEqual([
      { key: 'new_business', name: null, customers: 1, churned: 1, retainedShare: 0, lifetimeValueCents: masked, averageLifetimeValueCents: masked },
    ]);
    const [q2] = await api.customers.retention({ range: { from: '2025-04-01', to: '2025-07-01' } });
    expect(q2).toMatchObject({ accounts: 1, startingCents: masked, churnedCents: masked, netRevenueRetention: 0, grossRetention: 0 });
  });

  it('refuse a range that ends before it starts, naming the field', async () => {
    const api = callerAs(handle.db, await createTestUser(handle.db, { role: 'executive' }));
    await expect(api.customers.report({ range: { from: '2025-02-01', to: '2025-01-01' } })).rejects.toThrow(/to/);
  });
});
