// Lead quality on a small hand-built set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { event as e, send } from './fixtures';
import { leadQuality } from './leadQuality';

// January cohort:
// q1 email/k1 qualified            q2 email/k1 disqualified 'no budget'
// q3 email/k2 disqualified 'no budget' (sent twice with one id)  q4 email, no campaign, disqualified 'wrong fit'
// q5 no source, first touch 'events', opportunity created (qualified), then disqualified 'no budget': both
// q6 email/k1, neither yet
// q7 email/k1 disqualified in January but its lead was created in December: not in the cohort
const fixture = [
  e('q1', 'lead.created', '2026-01-02T00:00:00Z', { contactId: 'q1', source: 'email', campaignId: 'k1' }),
  e('q1q', 'lead.qualified', '2026-01-03T00:00:00Z', { contactId: 'q1' }),
  e('q2', 'lead.created', '2026-01-04T00:00:00Z', { contactId: 'q2', source: 'email', campaignId: 'k1' }),
  e('q2d', 'lead.disqualified', '2026-01-05T00:00:00Z', { contactId: 'q2', reason: 'no budget' }),
  e('q3', 'lead.created', '2026-01-06T00:00:00Z', { contactId: 'q3', source: 'email', campaignId: 'k2' }),
  e('q3d', 'lead.disqualified', '2026-01-07T00:00:00Z', { contactId: 'q3', reason: 'no budget' }),
  e('q3d', 'lead.disqualified', '2026-01-07T00:00:00Z', { contactId: 'q3', reason: 'no budget' }),
  e('q4', 'lead.created', '2026-01-08T00:00:00Z', { contactId: 'q4', source: 'email' }),
  e('q4d', 'lead.disqualified', '2026-01-09T00:00:00Z', { contactId: 'q4', reason: 'wrong fit' }),
  e('q5t', 'touch', '2026-01-01T00:00:00Z', { contactId: 'q5', channel: 'events', touchType: 'booth' }),
  e('q5', 'lead.created', '2026-01-10T00:00:00Z', { contactId: 'q5' }),
  e('q5o', 'opportunity.created', '2026-01-11T00:00:00Z', { opportunityId: 'o5', accountId: 'A5', contactId: 'q5', amountCents: 1, dealType: 'new' }),
  e('q5d', 'lead.disqualified', '2026-01-12T00:00:00Z', { contactId: 'q5', reason: 'no budget' }),
  e('q6', 'lead.created', '2026-01-13T00:00:00Z', { contactId: 'q6', source: 'email', campaignId: 'k1' }),
  e('q7', 'lead.created', '2025-12-13T00:00:00Z', { contactId: 'q7', source: 'email', campaignId: 'k1' }),
  e('q7d', 'lead.disqualified', '2026-01-13T00:00:00Z', { contactId: 'q7', reason: 'spam' }),
];

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
  await send(handle.db, fixture);
});
afterAll(() => handle.close());

const january = { from: '2026-01-01', to: '2026-02-01' };

describe('lead quality', () => {
  it('counts qualified and disqualified leads with reasons, by source', async () => {
    const report = await leadQuality(handle.db, { range: january });
    expect(report.bySource).toEqual([
      {
        source: 'email', leads: 5, qualified: 1, disqualified: 3, qualificationRate: 0.2, disqualificationRate: 0.6,
        reasons: [{ reason: 'no budget', leads: 2 }, { reason: 'wrong fit', leads: 1 }],
      },
      {
        source: 'events', leads: 1, qualified: 1, disqualified: 1, qualificationRate: 1, disqualificationRate: 1,
        reasons: [{ reason: 'no budget', leads: 1 }],
      },
    ]);
  });

  it('counts by campaign, leads without one last among equals', async () => {
    const report = await leadQuality(handle.db, { range: january });
    expect(report.byCampaign).toEqual([
      {
        campaignId: 'k1', leads: 3, qualified: 1, disqualified: 1, qualificationRate: 1 / 3, disqualificationRate: 1 / 3,
        reasons: [{ reason: 'no budget', leads: 1 }],
      },
      {
        campaignId: null, leads: 2, qualified: 1, disqualified: 2, qualificationRate: 0.5, disqualificationRate: 1,
        reasons: [{ reason: 'no budget', leads: 1 }, { reason: 'wrong fit', leads: 1 }],
      },
      {
        campaignId: 'k2', leads: 1, qualified: 0, disqualified: 1, qualificationRate: 0, disqualificationRate: 1,
        reasons: [{ reason: 'no budget', leads: 1 }],
      },
    ]);
  });

  it('applies the filters and is empty for an empty cohort', async () => {
    const filtered = await leadQuality(handle.db, { range: january, filters: { campaign: 'k2' } });
    expect(filtered.bySource.map((r) => [r.source, r.leads, r.disqualified])).toEqual([['email', 1, 1]]);
    expect(await leadQuality(handle.db, { range: { from: '2030-01-01', to: '2030-02-01' } })).toEqual({ bySource: [], byCampaign: [] });
  });
});
