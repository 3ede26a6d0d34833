import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { seedEvents } from '~/server/ingest/seedEvents';
import { customerValues, netRevenueRetention, quartersOverlapping } from './customers';

let handle: DbHandle;


beforeAll(async () => {
  handle = await createTestDb();
  await seedEvents(handle.db, [
    ['opportunity.created', '2025-01-10T00:00:00Z', { opportunityId: 'O1', accountId: 'A1', contactId: 'c1', amountCents: 10000, dealType: 'new_business' }],
    ['opportunity.won', '2025-02-01T00:00:00Z', { opportunityId: 'O1', amountCents: 12000 }],
    ['opportunity.created', '2025-01-15T00:00:00Z', { opportunityId: 'O2', accountId: 'A2', amountCents: 5000, dealType: 'new_business' }],
    ['opportunity.won', '2025-03-01T00:00:00Z', { opportunityId: 'O2' }],
    ['opportunity.created', '2025-03-20T00:00:00Z', { opportunityId: 'O3', accountId: 'A3', amountCents: 8000, dealType: 'smb' }],
    ['opportunity.won', '2025-04-10T00:00:00Z', { opportunityId: 'O3' }],
    ['opportunity.created', '2025-05-01T00:00:00Z', { opportunityId: 'O4', accountId: 'A4', amountCents: 9000, dealType: 'smb' }],
  ]);
  await seedEvents(handle.db, [
    ['account.renewed', '2026-02-01T00:00:00Z', { accountId: 'A1', amountCents: 12000 }],
    ['account.expanded', '2025-04-20T00:00:00Z', { accountId: 'A2', amountCents: 1000 }],
    ['account.churned', '2025-08-15T00:00:00Z', { accountId: 'A2', reason: 'budget' }],
    ['account.expanded', '2025-07-05T00:00:00Z', { accountId: 'A3', amountCents: 2000 }],
  ]);
  // Arrives late, dated before the renewal already stored.
  await seedEvents(handle.db, [['account.expanded', '2025-05-10T00:00:00Z', { accountId: 'A1', amountCents: 3000 }]]);
});

afterAll(async () => {
  await handle.close();
});

describe('lifetime value', () => {
  it('sums won, renewal and expansion revenue per account, churned or not, highest first', async () => {
    const values = await customerValues(handle.db, {});
    expect(values).toEqual([
      { accountId: 'A1', name: null, wonCents: 12000, renewalCents: 12000, expansionCents: 3000, lifetimeValueCents: 27000, churned: false, churnedAt: null },
      { accountId: 'A3', name: null, wonCents: 8000, renewalCents: 0, expansionCents: 2000, lifetimeValueCents: 10000, churned: false, churnedAt: null },
      { accountId: 'A2', name: null, wonCents: 5000, renewalCents: 0, expansionCents: 1000, lifetimeValueCents: 6000, churned: true, churnedAt: '2025-08-15T00:00:00.000Z' },
      { accountId: 'A4', name: null, wonCents: 0, renewalCents: 0, expansionCents: 0, lifetimeValueCents: 0, churned: false, churnedAt: null },
    ]);
  });

  it('reads named accounts and applies the segment filter', async () => {
    const named = await customerValues(handle.db, { accountIds: ['A2', 'A4'] });
    expect(named.map((v) => [v.accountId, v.lifetimeValueCents])).toEqual([
      ['A2', 6000],
      ['A4', 0],
    ]);
    const smb = await customerValues(handle.db, { filters: { segment: 'smb' } });
    expect(smb.map((v) => v.accountId)).toEqual(['A3', 'A4']);
  });
});

describe('net revenue retention', () => {
  it('lists the quarters overlapping a range', () => {
    expect(quartersOverlapping({ from: '2025-02-15', to: '2025-07-01' }).map((q) => q.quarter)).toEqual(['2025-Q1', '2025-Q2']);
    expect(quartersOverlapping({ from: '2025-11-01', to: '2026-01-02' }).map((q) => q.quarter)).toEqual(['2025-Q4', '2026-Q1']);
  });

  it('is null without starting revenue, then retains expansions and loses churned accounts', async () => {
    const quarters = await netRevenueRetention(handle.db, { range: { from: '2025-01-01', to: '2025-10-01' } });
    // Q1: nothing recurring on Jan 1.
    // Q2: A1 12000 + A2 5000 at start; A1 +3000, A2 +1000 within; A3 is new, not in the cohort.
    // Q3: A1 15000 + A2 6000 + A3 8000 at start; A3 +2000; A2 churns with its 6000.
    // Gross retention leaves expansion out: Q2 17000 / 17000; Q3 (29000 - 6000) / 29000.
    expect(quarters).toEqual([
      { quarter: '2025-Q1', start: '2025-01-01T00:00:00.000Z', end: '2025-04-01T00:00:00.000Z', accounts: 0, startingCents: 0, expansionCents: 0, churnedCents: 0, endingCents: 0, netRevenueRetention: null, grossRetention: null },
      { quarter: '2025-Q2', start: '2025-04-01T00:00:00.000Z', end: '2025-07-01T00:00:00.000Z', accounts: 2, startingCents: 17000, expansionCents: 4000, churnedCents: 0, endingCents: 21000, netRevenueRetention: 21000 / 17000, grossRetention: 1 },
      { quarter: '2025-Q3', start: '2025-07-01T00:00:00.000Z', end: '2025-10-01T00:00:00.000Z', accounts: 3, startingCents: 29000, expansionCents: 2000, churnedCents: 6000, endingCents: 25000, netRevenueRetention: 25000 / 29000, grossRetention: 23000 / 29000 },
    ]);
  });

  it('drops accounts that churned before the quarter', async () => {
    const [q4] = await netRevenueRetention(handle.db, { range: { from: '2025-10-01', to: '2026-01-01' } });
    // A1 15000 + A3 10000; A2 churned in Q3.
    expect(q4).toMatchObject({ quarter: '2025-Q4', accounts: 2, startingCents: 25000, expansionCents: 0, churnedCents: 0, netRevenueRetention: 1, grossRetention: 1 });
  });
});
