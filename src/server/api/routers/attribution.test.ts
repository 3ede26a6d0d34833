// The attribution and forecast procedures through the real middleware chain: who may call them,
// and money masked for a role without 'seeMoney'.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { masked } from '~/lib/masked';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { createApiKey } from '~/server/ingest/apiKeys';
import { ev } from '~/server/ingest/factories';
import { ingestAndApply } from '~/server/ingest/ingestAndApply';
import { callerAs, createTestUser } from '../testing';

let handle: DbHandle;
const range = { from: '2026-01-01', to: '2026-02-01' };

beforeAll(async () => {
  handle = await createTestDb();
  const marketing = await createApiKey(handle.db, { department: 'marketing', name: 'marketing' });
  const sales = await createApiKey(handle.db, { department: 'sales', name: 'sales' });
  await ingestAndApply(handle.db, { apiKeyId: marketing.id, department: 'marketing' }, [
    ev('touch', 1, { contactId: 'c1', channel: 'email', touchType: 'open' }, 't1'),
  ]);
  await ingestAndApply(handle.db, { apiKeyId: sales.id, department: 'sales' }, [
    ev('opportunity.created', 2, { opportunityId: 'o1', accountId: 'a1', contactId: 'c1', amountCents: 700, dealType: 'new' }, 'oc1'),
    ev('opportunity.won', 3, { opportunityId: 'o1' }, 'ow1'),
  ]);
});
afterAll(() => handle.close());

describe('attribution procedures', () => {
  it('show credits to a role that may see money', async () => {
    const caller = callerAs(handle.db, await createTestUser(handle.db, { role: 'sales' }));
    const report = await caller.attribution.report({ range });
    expect([report.deals, report.revenueCents]).toEqual([1, 700]);
    expect(report.byChannel.map((r) => [r.key, r.models.last_touch.revenueCents, r.models.last_touch.influencedDeals])).toEqual([
      ['email', 700, 1],
    ]);
    const deal = await caller.attribution.deal({ opportunityId: 'o1' });
    expect(deal?.touches.map((t) => [t.ref, t.credits])).toEqual([
      ['t1', { first_touch: 700, last_touch: 700, linear: 700, u_shaped: 700, w_shaped: 700, full_path: 700, time_decay: 700 }],
    ]);
  });

  it('mask credits, not deal counts, for a role without seeMoney', async () => {
    const caller = callerAs(handle.db, await createTestUser(handle.db, { role: 'service' }));
    const report = await caller.attribution.report({ range });
    expect(report.deals).toBe(1);
    expect(report.revenueCents).toEqual(masked);
    expect(report.byChannel[0]?.models.linear).toEqual({ revenueCents: masked, influencedDeals: 1 });
    const deal = await caller.attribution.deal({ opportunityId: 'o1' });
    expect([deal?.amountCents, deal?.touches[0]?.credits, deal?.touches[0]?.channel]).toEqual([masked, masked, 'email']);
  });

  it('refuse a signed-out caller', async () => {
    await expect(callerAs(handle.db, null).attribution.report({ range })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(callerAs(handle.db, null).forecast.onboarding({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('forecast procedure', () => {
  it('gives every role the forecast at a chosen moment', async () => {
    const caller = callerAs(handle.db, await createTestUser(handle.db, { role: 'viewer' }));
    const forecast = await caller.forecast.onboarding({ asOf: '2026-01-05T00:00:00Z' });
    // nothing is open: no expected wins; no capacity set anywhere
    expect([forecast.openOpportunities, forecast.weeks.length, forecast.weeks[0]?.week, forecast.weeks[0]?.capacity]).toEqual([
      0,
      12,
      '2026-W02',
      null,
    ]);
  });
});
