import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { advocacyByKind, churnByReason, customerReport, expansionByReason, valueByOrigin, yearlyCohorts } from './customers';
import { event, send } from './fixtures';

// Four accounts:
// A1: lead c1 (email, campaign cmp1) 2024-06-01 and a later lead c1b (events); won O1 10000 on
//     2024-09-01, an upsell O4 2000 on 2025-04-15, expanded 1500 on 2025-05-20, renewed 10000.
//     LTV 23500, never churned.
// A2: lead c2 (events); won O2 4000 on 2024-10-01; churned 2025-03-10 (price); an expansion of
//     500 arrives after the churn on 2025-04-01. LTV 4500.
// A3: lead c3 (email, cmp1); won O3 6000 (smb) on 2025-02-01; churned 2025-08-01 (low usage). LTV 6000.
// A4: no lead; won O5 3000 (smb) on 2025-06-01. LTV 3000.
let handle: DbHandle;
const year2025 = { from: '2025-01-01', to: '2026-01-01' };

beforeAll(async () => {
  handle = await createTestDb();
  await send(handle.db, [
    event('m1', 'campaign.upserted', '2024-05-01T00:00:00Z', { campaignId: 'cmp1', name: 'Spring webinar', channel: 'email' }),
    event('m2', 'lead.created', '2024-06-01T00:00:00Z', { contactId: 'c1', accountId: 'A1', source: 'email', campaignId: 'cmp1' }),
    event('m3', 'lead.created', '2025-03-01T00:00:00Z', { contactId: 'c1b', accountId: 'A1', source: 'events' }),
    event('m4', 'lead.created', '2024-07-01T00:00:00Z', { contactId: 'c2', accountId: 'A2', source: 'events' }),
    event('m5', 'lead.created', '2025-01-05T00:00:00Z', { contactId: 'c3', accountId: 'A3', source: 'email', campaignId: 'cmp1' }),
    event('s1', 'opportunity.created', '2024-08-01T00:00:00Z', { opportunityId: 'O1', accountId: 'A1', contactId: 'c1', amountCents: 10000, dealType: 'new_business' }),
    event('s2', 'opportunity.won', '2024-09-01T00:00:00Z', { opportunityId: 'O1' }),
    event('s3', 'opportunity.created', '2024-08-10T00:00:00Z', { opportunityId: 'O2', accountId: 'A2', contactId: 'c2', amountCents: 4000, dealType: 'new_business' }),
    event('s4', 'opportunity.won', '2024-10-01T00:00:00Z', { opportunityId: 'O2' }),
    event('s5', 'opportunity.created', '2025-01-10T00:00:00Z', { opportunityId: 'O3', accountId: 'A3', contactId: 'c3', amountCents: 6000, dealType: 'smb' }),
    event('s6', 'opportunity.won', '2025-02-01T00:00:00Z', { opportunityId: 'O3' }),
    event('s7', 'opportunity.created', '2025-03-01T00:00:00Z', { opportunityId: 'O4', accountId: 'A1', amountCents: 2000, dealType: 'upsell' }),
    event('s8', 'opportunity.won', '2025-04-15T00:00:00Z', { opportunityId: 'O4' }),
    event('s9', 'opportunity.created', '2025-05-01T00:00:00Z', { opportunityId: 'O5', accountId: 'A4', amountCents: 3000, dealType: 'smb' }),
    event('s10', 'opportunity.won', '2025-06-01T00:00:00Z', { opportunityId: 'O5' }),
    event('o1', 'account.expanded', '2025-05-20T00:00:00Z', { accountId: 'A1', amountCents: 1500 }),
    event('o2', 'account.churned', '2025-03-10T00:00:00Z', { accountId: 'A2', reason: 'price' }),
    event('o3', 'account.expanded', '2025-04-01T00:00:00Z', { accountId: 'A2', amountCents: 500 }),
    event('o4', 'account.churned', '2025-08-01T00:00:00Z', { accountId: 'A3', reason: 'low usage' }),
    event('o5', 'account.renewed', '2025-09-01T00:00:00Z', { accountId: 'A1', amountCents: 10000 }),
    event('o6', 'account.advocacy', '2025-02-01T00:00:00Z', { accountId: 'A1', kind: 'referral' }),
    event('o7', 'account.advocacy', '2025-07-01T00:00:00Z', { accountId: 'A1', kind: 'review' }),
    event('o8', 'account.advocacy', '2025-03-01T00:00:00Z', { accountId: 'A3', kind: 'referral' }),
    event('o9', 'account.advocacy', '2024-12-01T00:00:00Z', { accountId: 'A4', kind: 'case_study' }),
  ]);
});

afterAll(async () => {
  await handle.close();
});

describe('churned revenue by reason', () => {
  it('counts the accounts that churned in the range with their recurring revenue just before', async () => {
    // A3 takes 6000 (O3); A2 takes 4000 (O2; its expansion came after the churn).
    expect(await churnByReason(handle.db, { range: year2025 })).toEqual([
      { reason: 'low usage', accounts: 1, churnedCents: 6000 },
      { reason: 'price', accounts: 1, churnedCents: 4000 },
    ]);
    expect(await churnByReason(handle.db, { range: year2025, filters: { segment: 'smb' } })).toEqual([{ reason: 'low usage', accounts: 1, churnedCents: 6000 }]);
    expect(await churnByReason(handle.db, { range: { from: '2024-01-01', to: '2025-01-01' } })).toEqual([]);
  });
});

describe('expanded revenue by reason', () => {
  it('counts expansions and won deals of existing customers, nothing after a churn', async () => {
    // O4 is A1's second won deal; O3 and O5 are first deals; A2's 500 came after its churn.
    expect(await expansionByReason(handle.db, { range: year2025 })).toEqual([
      { reason: 'won upsell deal', items: 1, accounts: 1, expansionCents: 2000 },
      { reason: 'account expansion', items: 1, accounts: 1, expansionCents: 1500 },
    ]);
  });
});

describe('advocacy by kind', () => {
  it('counts events and accounts in the range', async () => {
    expect(await advocacyByKind(handle.db, { range: year2025 })).toEqual([
      { kind: 'referral', events: 2, accounts: 2 },
      { kind: 'review', events: 1, accounts: 1 },
    ]);
  });
});

describe('lifetime value by origin', () => {
  it('groups customers won in the range by the source, campaign and segment of their first journey', async () => {
    const value = await valueByOrigin(handle.db, { range: { from: '2024-01-01', to: '2026-01-01' } });
    // email: A1 23500 + A3 6000, A3 churned; events: A2 4500, churned; no journey: A4 3000.
    expect(value.source).toEqual([
      { key: 'email', name: null, customers: 2, churned: 1, retainedShare: 0.5, lifetimeValueCents: 29500, averageLifetimeValueCents: 14750 },
      { key: 'events', name: null, customers: 1, churned: 1, retainedShare: 0, lifetimeValueCents: 4500, averageLifetimeValueCents: 4500 },
      { key: null, name: null, customers: 1, churned: 0, retainedShare: 1, lifetimeValueCents: 3000, averageLifetimeValueCents: 3000 },
    ]);
    expect(value.campaign).toEqual([
      { key: 'cmp1', name: 'Spring webinar', customers: 2, churned: 1, retainedShare: 0.5, lifetimeValueCents: 29500, averageLifetimeValueCents: 14750 },
      { key: null, name: null, customers: 2, churned: 1, retainedShare: 0.5, lifetimeValueCents: 7500, averageLifetimeValueCents: 3750 },
    ]);
    // Segment: the deal type of the account's first opportunity.
    expect(value.segment).toEqual([
      { key: 'new_business', name: null, customers: 2, churned: 1, retainedShare: 0.5, lifetimeValueCents: 28000, averageLifetimeValueCents: 14000 },
      { key: 'smb', name: null, customers: 2, churned: 1, retainedShare: 0.5, lifetimeValueCents: 9000, averageLifetimeValueCents: 4500 },
    ]);
  });

  it('takes only customers whose first win falls in the range', async () => {
    const value = await valueByOrigin(handle.db, { range: year2025 });
    expect(value.source.map((g) => [g.key, g.customers, g.lifetimeValueCents])).toEqual([
      ['email', 1, 6000],
      [null, 1, 3000],
    ]);
  });
});

describe('retention of yearly cohorts', () => {
  it('follows each cohort year by year among the customers old enough', async () => {
    // 2024: A1, A2; a year on A2 has churned. 2025: A3, A4; only A3 (2026-02-01) is a year old
    // on 2026-03-01, and it churned.
    expect(await yearlyCohorts(handle.db, { now: new Date('2026-03-01T00:00:00Z') })).toEqual([
      { cohort: 2024, customers: 2, points: [{ years: 0, observed: 2, retained: 2, retainedShare: 1 }, { years: 1, observed: 2, retained: 1, retainedShare: 0.5 }] },
      { cohort: 2025, customers: 2, points: [{ years: 0, observed: 2, retained: 2, retainedShare: 1 }, { years: 1, observed: 1, retained: 0, retainedShare: 0 }] },
    ]);
  });

  it('applies the filters (a source matches when any journey of the account has it)', async () => {
    // email: A1 (c1) and A3 (c3); events would match A1 too, through its later lead c1b.
    const now = new Date('2026-03-01T00:00:00Z');
    expect(await yearlyCohorts(handle.db, { filters: { source: 'email' }, now })).toEqual([
      { cohort: 2024, customers: 1, points: [{ years: 0, observed: 1, retained: 1, retainedShare: 1 }, { years: 1, observed: 1, retained: 1, retainedShare: 1 }] },
      { cohort: 2025, customers: 1, points: [{ years: 0, observed: 1, retained: 1, retainedShare: 1 }, { years: 1, observed: 1, retained: 0, retainedShare: 0 }] },
    ]);
    expect((await yearlyCohorts(handle.db, { filters: { source: 'events' }, now })).map((c) => [c.cohort, c.customers])).toEqual([[2024, 2]]);
  });
});

describe('the whole report', () => {
  it('puts the parts together', async () => {
    const report = await customerReport(handle.db, { range: year2025, now: new Date('2026-03-01T00:00:00Z') });
    expect(report.churnedByReason).toHaveLength(2);
    expect(report.expansionByReason).toHaveLength(2);
    expect(report.advocacyByKind).toHaveLength(2);
    expect(report.valueBy.segment.map((g) => g.key)).toEqual(['smb']);
    expect(report.cohorts.map((c) => c.cohort)).toEqual([2024, 2025]);
  });
});
