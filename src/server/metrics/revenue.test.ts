// Won revenue in a range and the open pipeline, on a hand-built set; expected figures worked out below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerAs, createTestUser } from '~/server/api/testing';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { masked } from '~/lib/masked';
import { event as e, send } from './fixtures';
import { revenueSummary } from './revenue';

// o1 (new, L1 email) created 01-02 at 1000.00, won 01-10 at 1200.00        -> won in January
// o2 (upsell, A1)    created 01-05 at 300.00, won 02-03 without amount     -> won in February, 300.00
// o3 (new, L3 social) created 01-20 at 500.00, updated to 550.00, open     -> open, created in January
// o4 (new, L4 email) created 02-15 at 800.00, open                         -> open, created after January
// o5 (new)           created 01-06 at 400.00, lost 01-30                   -> neither
const fixture = [
  e('L1', 'lead.created', '2026-01-01T00:00:00Z', { contactId: 'L1', source: 'email' }),
  e('L3', 'lead.created', '2026-01-01T00:00:00Z', { contactId: 'L3', source: 'social' }),
  e('L4', 'lead.created', '2026-01-01T00:00:00Z', { contactId: 'L4', source: 'email' }),
  e('o1c', 'opportunity.created', '2026-01-02T00:00:00Z', { opportunityId: 'o1', accountId: 'A1', contactId: 'L1', amountCents: 100000, dealType: 'new' }),
  e('o1w', 'opportunity.won', '2026-01-10T00:00:00Z', { opportunityId: 'o1', amountCents: 120000 }),
  e('o2c', 'opportunity.created', '2026-01-05T00:00:00Z', { opportunityId: 'o2', accountId: 'A1', amountCents: 30000, dealType: 'upsell' }),
  e('o2w', 'opportunity.won', '2026-02-03T00:00:00Z', { opportunityId: 'o2' }),
  e('o3c', 'opportunity.created', '2026-01-20T00:00:00Z', { opportunityId: 'o3', accountId: 'A3', contactId: 'L3', amountCents: 50000, dealType: 'new' }),
  e('o3u', 'opportunity.updated', '2026-01-21T00:00:00Z', { opportunityId: 'o3', amountCents: 55000 }),
  e('o4c', 'opportunity.created', '2026-02-15T00:00:00Z', { opportunityId: 'o4', accountId: 'A4', contactId: 'L4', amountCents: 80000, dealType: 'new' }),
  e('o5c', 'opportunity.created', '2026-01-06T00:00:00Z', { opportunityId: 'o5', accountId: 'A5', amountCents: 40000, dealType: 'new' }),
  e('o5l', 'opportunity.lost', '2026-01-30T00:00:00Z', { opportunityId: 'o5', reason: 'price' }),
];

const january = { from: '2026-01-01', to: '2026-02-01' };
const q1 = { from: '2026-01-01', to: '2026-04-01' };

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
  await send(handle.db, fixture);
});
afterAll(async () => {
  await handle?.close();
});

describe('revenueSummary', () => {
  it('counts revenue won in the range and the pipeline open now that was created before its end', async () => {
    expect(await revenueSummary(handle.db, { range: january })).toEqual({ wonDeals: 1, wonRevenueCents: 120000, openDeals: 1, openPipelineCents: 55000 });
    expect(await revenueSummary(handle.db, { range: q1 })).toEqual({ wonDeals: 2, wonRevenueCents: 150000, openDeals: 2, openPipelineCents: 135000 });
  });

  it('applies the filters: deal type, and source through the named lead', async () => {
    expect(await revenueSummary(handle.db, { range: q1, filters: { dealType: 'upsell' } })).toEqual({ wonDeals: 1, wonRevenueCents: 30000, openDeals: 0, openPipelineCents: 0 });
    expect(await revenueSummary(handle.db, { range: q1, filters: { source: 'email' } })).toEqual({ wonDeals: 1, wonRevenueCents: 120000, openDeals: 1, openPipelineCents: 80000 });
  });
});

describe('revenue.summary', () => {
  it('shows the amounts to a role that may see money and masks them for one that may not', async () => {
    const executive = callerAs(handle.db, await createTestUser(handle.db, { role: 'executive' }));
    const service = callerAs(handle.db, await createTestUser(handle.db, { role: 'service' }));
    // Every report answer says how fresh it is: everything sent was applied.
    const fresh = { asOf: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), lagSeconds: 0 };
    expect(await executive.revenue.summary({ range: january })).toEqual({ wonDeals: 1, wonRevenueCents: 120000, openDeals: 1, openPipelineCents: 55000, ...fresh });
    expect(await service.revenue.summary({ range: january })).toEqual({ wonDeals: 1, wonRevenueCents: masked, openDeals: 1, openPipelineCents: masked, ...fresh });
  });

  it('refuses a signed-out caller', async () => {
    await expect(callerAs(handle.db, null).revenue.summary({ range: january })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
