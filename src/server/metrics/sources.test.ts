// Lead-to-close by source and campaign on a small hand-built set; expected figures worked out below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { event as e, send } from './fixtures';
import { leadToCloseByCampaign, leadToCloseBySource, leadToCloseTotal, sourcesReport } from './sources';

// Campaigns: k-mail (email) spends 100 on 12-31 (out), 300 on 01-01, 200 on 01-31, 50 on 02-01 (out)
//            -> 500.00 in January; k-ads (paid_search) 100.00 on 01-10; k-ghost (never upserted) 70.00 on 01-05.
// L1 email/k-mail lead 01-02, qualified 01-03, o1 created 01-04 (1000.00), won 01-12 at 1200.00 (won event
//    sent twice), o1b created 01-20 (300.00) won 01-25 -> conversion 01-12 (10 days), revenue 1500.00
// L2 email/k-mail lead 01-05, disqualified 01-06
// L3 email, no campaign, lead 01-08, o3 created 01-09 (500.00) updated to 600.00, won 01-18T12:00 without an
//    amount -> 600.00, 10.5 days; qualification skipped
// L4 no source: touches social 01-01 then email 01-02 -> source social; lead 01-03, o4 created 01-05, lost 01-20
// L5 email/k-mail lead 01-25, o5 won 02-10 (100.00) after the range -> still won, 16 days
// L6 email/k-mail lead 12-28 (before the range), won 01-05 (999.99): not in the cohort
const fixture = [
  e('k-mail', 'campaign.upserted', '2025-11-01T00:00:00Z', { campaignId: 'k-mail', name: 'Newsletter', channel: 'Email' }),
  e('k-ads', 'campaign.upserted', '2025-11-01T00:00:00Z', { campaignId: 'k-ads', name: 'Ads', channel: 'paid_search' }),
  e('s1', 'campaign.spend', '2025-12-31T00:00:00Z', { campaignId: 'k-mail', amountCents: 10000, date: '2025-12-31' }),
  e('s2', 'campaign.spend', '2026-01-01T00:00:00Z', { campaignId: 'k-mail', amountCents: 30000, date: '2026-01-01' }),
  e('s3', 'campaign.spend', '2026-01-31T00:00:00Z', { campaignId: 'k-mail', amountCents: 20000, date: '2026-01-31' }),
  e('s4', 'campaign.spend', '2026-02-01T00:00:00Z', { campaignId: 'k-mail', amountCents: 5000, date: '2026-02-01' }),
  e('s5', 'campaign.spend', '2026-01-10T00:00:00Z', { campaignId: 'k-ads', amountCents: 10000, date: '2026-01-10' }),
  e('s6', 'campaign.spend', '2026-01-05T00:00:00Z', { campaignId: 'k-ghost', amountCents: 7000, date: '2026-01-05' }),
  e('L1', 'lead.created', '2026-01-02T00:00:00Z', { contactId: 'L1', source: 'email', campaignId: 'k-mail' }),
  e('L1q', 'lead.qualified', '2026-01-03T00:00:00Z', { contactId: 'L1' }),
  e('o1c', 'opportunity.created', '2026-01-04T00:00:00Z', { opportunityId: 'o1', accountId: 'A1', contactId: 'L1', amountCents: 100000, dealType: 'new' }),
  e('o1w', 'opportunity.won', '2026-01-12T00:00:00Z', { opportunityId: 'o1', amountCents: 120000 }),
  e('o1w', 'opportunity.won', '2026-01-12T00:00:00Z', { opportunityId: 'o1', amountCents: 120000 }),
  e('o1bc', 'opportunity.created', '2026-01-20T00:00:00Z', { opportunityId: 'o1b', accountId: 'A1', contactId: 'L1', amountCents: 30000, dealType: 'upsell' }),
  e('o1bw', 'opportunity.won', '2026-01-25T00:00:00Z', { opportunityId: 'o1b' }),
  e('L2', 'lead.created', '2026-01-05T00:00:00Z', { contactId: 'L2', source: 'email', campaignId: 'k-mail' }),
  e('L2d', 'lead.disqualified', '2026-01-06T00:00:00Z', { contactId: 'L2', reason: 'too small' }),
  e('L3', 'lead.created', '2026-01-08T00:00:00Z', { contactId: 'L3', source: 'email' }),
  e('o3c', 'opportunity.created', '2026-01-09T00:00:00Z', { opportunityId: 'o3', accountId: 'A3', contactId: 'L3', amountCents: 50000, dealType: 'new' }),
  e('o3u', 'opportunity.updated', '2026-01-10T00:00:00Z', { opportunityId: 'o3', amountCents: 60000 }),
  e('o3w', 'opportunity.won', '2026-01-18T12:00:00Z', { opportunityId: 'o3' }),
  e('L4t1', 'touch', '2026-01-01T00:00:00Z', { contactId: 'L4', channel: 'Social ', touchType: 'ad_click' }),
  e('L4t2', 'touch', '2026-01-02T00:00:00Z', { contactId: 'L4', channel: 'email', touchType: 'open' }),
  e('L4', 'lead.created', '2026-01-03T00:00:00Z', { contactId: 'L4' }),
  e('o4c', 'opportunity.created', '2026-01-05T00:00:00Z', { opportunityId: 'o4', accountId: 'A4', contactId: 'L4', amountCents: 40000, dealType: 'new' }),
  e('o4l', 'opportunity.lost', '2026-01-20T00:00:00Z', { opportunityId: 'o4', reason: 'price' }),
  e('L5', 'lead.created', '2026-01-25T00:00:00Z', { contactId: 'L5', source: 'email', campaignId: 'k-mail' }),
  e('o5c', 'opportunity.created', '2026-01-30T00:00:00Z', { opportunityId: 'o5', accountId: 'A5', contactId: 'L5', amountCents: 10000, dealType: 'new' }),
  e('o5w', 'opportunity.won', '2026-02-10T00:00:00Z', { opportunityId: 'o5' }),
  e('L6', 'lead.created', '2025-12-28T00:00:00Z', { contactId: 'L6', source: 'email', campaignId: 'k-mail' }),
  e('o6c', 'opportunity.created', '2025-12-29T00:00:00Z', { opportunityId: 'o6', accountId: 'A6', contactId: 'L6', amountCents: 99999, dealType: 'new' }),
  e('o6w', 'opportunity.won', '2026-01-05T00:00:00Z', { opportunityId: 'o6' }),
];

const january = { from: '2026-01-01', to: '2026-02-01' };

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
  // The sales events first: opportunities and qualifications arrive before their leads.
  await send(handle.db, [...fixture].reverse());
});
afterAll(() => handle.close());

describe('lead-to-close total', () => {
  it('sums the cohort L1-L5 and every spend of the range', async () => {
    expect(await leadToCloseTotal(handle.db, { range: january })).toEqual({
      leads: 5,
      qualified: 4, // L1, L3, L4, L5
      won: 3, // L1, L3, L5
      qualificationRate: 0.8,
      winRate: 0.6,
      wonRevenueCents: 220000, // 1500 + 600 + 100
      medianDaysToConversion: 10.5, // 10, 10.5, 16
      spendCents: 67000, // 500 + 100 + 70
      cacCents: 67000 / 3,
      roi: (220000 - 67000) / 67000,
    });
  });

  it('gives nulls, never 0 or Infinity, for zero denominators', async () => {
    expect(await leadToCloseTotal(handle.db, { range: { from: '2030-01-01', to: '2030-02-01' } })).toEqual({
      leads: 0,
      qualified: 0,
      won: 0,
      qualificationRate: null,
      winRate: null,
      wonRevenueCents: 0,
      medianDaysToConversion: null,
      spendCents: 0,
      cacCents: null,
      roi: null,
    });
  });

  it('filters spend by the source and the campaign', async () => {
    const email = await leadToCloseTotal(handle.db, { range: january, filters: { source: 'email' } });
    expect([email.leads, email.won, email.spendCents]).toEqual([4, 3, 50000]);
    const mail = await leadToCloseTotal(handle.db, { range: january, filters: { campaign: 'k-mail' } });
    expect([mail.leads, mail.won, mail.wonRevenueCents, mail.spendCents]).toEqual([3, 2, 160000, 50000]);
  });
});

describe('lead-to-close by source', () => {
  it('gives one row per source, spend by campaign channel, first-touch source for L4', async () => {
    expect(await leadToCloseBySource(handle.db, { range: january })).toEqual([
      {
        source: 'email', leads: 4, qualified: 3, won: 3, qualificationRate: 0.75, winRate: 0.75,
        wonRevenueCents: 220000, medianDaysToConversion: 10.5, spendCents: 50000, cacCents: 50000 / 3, roi: 3.4,
      },
      {
        source: 'social', leads: 1, qualified: 1, won: 0, qualificationRate: 1, winRate: 0,
        wonRevenueCents: 0, medianDaysToConversion: null, spendCents: 0, cacCents: null, roi: null,
      },
      {
        source: 'paid_search', leads: 0, qualified: 0, won: 0, qualificationRate: null, winRate: null,
        wonRevenueCents: 0, medianDaysToConversion: null, spendCents: 10000, cacCents: null, roi: -1,
      },
    ]);
  });
});

describe('lead-to-close by campaign', () => {
  it('gives one row per campaign, leads without a campaign together, spend of unknown campaigns kept', async () => {
    const rows = await leadToCloseByCampaign(handle.db, { range: january });
    expect(rows).toEqual([
      {
        campaignId: 'k-mail', campaignName: 'Newsletter', channel: 'email', leads: 3, qualified: 2, won: 2,
        qualificationRate: 2 / 3, winRate: 2 / 3, wonRevenueCents: 160000, medianDaysToConversion: 13,
        spendCents: 50000, cacCents: 25000, roi: 2.2,
      },
      {
        campaignId: null, campaignName: null, channel: null, leads: 2, qualified: 2, won: 1,
        qualificationRate: 1, winRate: 0.5, wonRevenueCents: 60000, medianDaysToConversion: 10.5,
        spendCents: 0, cacCents: 0, roi: null,
      },
      {
        campaignId: 'k-ads', campaignName: 'Ads', channel: 'paid_search', leads: 0, qualified: 0, won: 0,
        qualificationRate: null, winRate: null, wonRevenueCents: 0, medianDaysToConversion: null,
        spendCents: 10000, cacCents: null, roi: -1,
      },
      {
        campaignId: 'k-ghost', campaignName: null, channel: null, leads: 0, qualified: 0, won: 0,
        qualificationRate: null, winRate: null, wonRevenueCents: 0, medianDaysToConversion: null,
        spendCents: 7000, cacCents: null, roi: -1,
      },
    ]);
  });

  it('returns the three views together', async () => {
    const report = await sourcesReport(handle.db, { range: january, filters: { dealType: 'new' } });
    // deal type new: L1 (converted through o1, new), L3, L4, L5; L2 has no opportunity
    expect(report.total.leads).toBe(4);
    expect(report.bySource.map((r) => [r.source, r.leads])).toEqual([
      ['email', 3],
      ['social', 1],
      ['paid_search', 0],
    ]);
    expect(report.byCampaign.map((r) => [r.campaignId, r.leads])).toEqual([
      ['k-mail', 2], // ties in leads: by campaign id, no campaign last
      [null, 2],
      ['k-ads', 0],
      ['k-ghost', 0],
    ]);
  });
});
