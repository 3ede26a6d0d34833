// The funnel, sources, lead quality and handoffs procedures through the real middleware chain:
// who may call them, and what each role sees masked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { masked } from '~/lib/masked';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { event as e, send } from '~/server/metrics/fixtures';
import { callerAs, createTestUser } from '../testing';

const range = { from: '2026-01-01', to: '2026-02-01' };
const asOf = '2026-02-01T00:00:00Z';

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
  await send(handle.db, [
    e('k', 'campaign.upserted', '2025-12-01T00:00:00Z', { campaignId: 'k', name: 'Mail', channel: 'email' }),
    e('s', 'campaign.spend', '2026-01-02T00:00:00Z', { campaignId: 'k', amountCents: 4000, date: '2026-01-02' }),
    e('c1', 'lead.created', '2026-01-02T00:00:00Z', { contactId: 'c1', source: 'email', campaignId: 'k', name: 'Ann', email: 'ann@x.test' }),
    e('c1o', 'opportunity.created', '2026-01-03T00:00:00Z', { opportunityId: 'o1', accountId: 'A1', contactId: 'c1', amountCents: 10000, dealType: 'new' }),
    e('c1w', 'opportunity.won', '2026-01-04T00:00:00Z', { opportunityId: 'o1' }),
    e('c2', 'lead.created', '2026-01-05T00:00:00Z', { contactId: 'c2', source: 'email', name: 'Bo', email: 'bo@x.test' }),
    e('c2d', 'lead.disqualified', '2026-01-09T00:00:00Z', { contactId: 'c2', reason: 'no budget' }),
    e('c3', 'lead.created', '2026-01-06T00:00:00Z', { contactId: 'c3', source: 'email', name: 'Cy', email: 'cy@x.test' }),
  ]);
});
afterAll(() => handle.close());

describe('funnel procedures', () => {
  it('give counts to every role and contact details to a role that may see them', async () => {
    const marketing = callerAs(handle.db, await createTestUser(handle.db, { role: 'marketing' }));
    const report = await marketing.funnel.report({ range });
    expect(report.stages.map((s) => s.journeys)).toEqual([3, 3, 1, 1, 0, 0, 0]);
    const trend = await marketing.funnel.trend({ range });
    expect(trend.map((m) => [m.month, m.counts.inquiry])).toEqual([['2026-01', 3]]);
    const dropped = await marketing.funnel.journeys({ range, stage: 'inquiry', list: 'dropped' });
    expect(dropped.items.map((j) => [j.contactId, j.name, j.email])).toEqual([
      ['c2', 'Bo', 'bo@x.test'],
      ['c3', 'Cy', 'cy@x.test'],
    ]);
  });

  it('mask names and emails for a role without seeContacts', async () => {
    const executive = callerAs(handle.db, await createTestUser(handle.db, { role: 'executive' }));
    const page = await executive.funnel.journeys({ range, stage: 'conversion' });
    expect(page.items.map((j) => [j.contactId, j.name, j.email, j.source])).toEqual([['c1', masked, masked, 'email']]);
  });

  it('refuse a signed-out caller and an invalid range', async () => {
    await expect(callerAs(handle.db, null).funnel.report({ range })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const viewer = callerAs(handle.db, await createTestUser(handle.db, { role: 'viewer' }));
    await expect(viewer.funnel.report({ range: { from: '2026-02-01', to: '2026-01-01' } })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('sources procedure', () => {
  it('shows revenue and spend to marketing', async () => {
    const marketing = callerAs(handle.db, await createTestUser(handle.db, { role: 'marketing' }));
    const report = await marketing.sources.report({ range });
    expect(report.total).toMatchObject({ leads: 3, won: 1, wonRevenueCents: 10000, spendCents: 4000, cacCents: 4000, roi: 1.5 });
  });

  it('masks spend, CAC and ROI but not revenue for operations', async () => {
    const operations = callerAs(handle.db, await createTestUser(handle.db, { role: 'operations' }));
    const report = await operations.sources.report({ range });
    expect(report.bySource[0]).toMatchObject({ source: 'email', leads: 3, wonRevenueCents: 10000, spendCents: masked, cacCents: masked, roi: masked });
  });

  it('masks revenue and spend for a viewer, keeping the counts', async () => {
    const viewer = callerAs(handle.db, await createTestUser(handle.db, { role: 'viewer' }));
    const report = await viewer.sources.report({ range });
    expect(report.byCampaign[1]).toMatchObject({ campaignId: 'k', leads: 1, won: 1, wonRevenueCents: masked, spendCents: masked });
  });
});

describe('lead quality procedure', () => {
  it('gives every role the reasons', async () => {
    const viewer = callerAs(handle.db, await createTestUser(handle.db, { role: 'viewer' }));
    const report = await viewer.leadQuality.report({ range });
    expect(report.bySource[0]).toMatchObject({ source: 'email', leads: 3, qualified: 1, disqualified: 1, reasons: [{ reason: 'no budget', leads: 1 }] });
  });
});

describe('handoffs procedures', () => {
  it('list the leads waiting for a follow-up, contact details masked for operations', async () => {
    const operations = callerAs(handle.db, await createTestUser(handle.db, { role: 'operations' }));
    const report = await operations.handoffs.report({ range, asOf });
    // c1 and c3 were never followed up; c2 was disqualified
    expect(report.handoffs[0]?.blackHole.map((i) => [i.itemId, i.contactName, i.email])).toEqual([
      ['c1', masked, masked],
      ['c3', masked, masked],
    ]);
    const sales = callerAs(handle.db, await createTestUser(handle.db, { role: 'sales' }));
    const seen = await sales.handoffs.report({ range, asOf });
    expect(seen.handoffs[0]?.blackHole[0]?.email).toBe('ann@x.test');
  });

  it('let only manage change the SLAs', async () => {
    const slas = { leadFollowUpHours: 12, onboardingStartHours: 72, ticketResolutionHours: 24 };
    const sales = callerAs(handle.db, await createTestUser(handle.db, { role: 'sales' }));
    await expect(sales.handoffs.setSlas(slas)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const admin = callerAs(handle.db, await createTestUser(handle.db, { role: 'admin' }));
    await admin.handoffs.setSlas(slas);
    expect(await sales.handoffs.slas()).toEqual(slas);
    await expect(admin.handoffs.setSlas({ ...slas, leadFollowUpHours: 0 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
