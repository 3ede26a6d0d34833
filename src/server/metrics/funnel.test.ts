// Funnel figures on a small hand-built set; every expected number is worked out in the comments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { event as e, send } from './fixtures';
import { cohortTrend, funnel, stageCounts } from './funnel';
import { journeyList } from './lists';

// Journeys (UTC):
// c1 touch ads 01-01 (sent late, in a batch of its own), lead email 01-02, qualified 01-04,
//    o1 (A1, new) created 01-05, won 01-12, A1 renewed 02-12
//    -> awareness 01-01, inquiry 01-02, qualification 01-04, conversion 01-12, retention 02-12
// c2 touch social 01-03, lead without source 01-05 -> source social (first touch), stage inquiry
// c3 lead email 01-10, o3 (A3, upsell) created 01-11 (no lead.qualified: skipped stage), won 01-21;
//    the won event arrives before the created one -> qualification 01-11, conversion 01-21
// c4 lead email and qualified at the same instant 01-15T12:00, disqualified 01-20 (stays qualified)
// c5 touch email 01-25, lead email 02-01T00:00 -> inquiry at the end of the range (excluded)
// c6 lead ' Paid_Search ' 01-20 and qualified 01-22, both sent twice with the same ids
// c7 touch 2025-12-01, lead 2025-12-20 (before the range)
const events = {
  early: [
    e('o3-won', 'opportunity.won', '2026-01-21T00:00:00Z', { opportunityId: 'o3' }),
  ],
  main: [
    e('c1-lead', 'lead.created', '2026-01-02T00:00:00Z', { contactId: 'c1', source: 'email', email: 'c1@x.test', name: 'Ann' }),
    e('c1-q', 'lead.qualified', '2026-01-04T00:00:00Z', { contactId: 'c1' }),
    e('o1-c', 'opportunity.created', '2026-01-05T00:00:00Z', { opportunityId: 'o1', accountId: 'A1', contactId: 'c1', amountCents: 1000, dealType: 'new' }),
    e('o1-w', 'opportunity.won', '2026-01-12T00:00:00Z', { opportunityId: 'o1' }),
    e('a1-r', 'account.renewed', '2026-02-12T00:00:00Z', { accountId: 'A1', amountCents: 500 }),
    e('c2-t', 'touch', '2026-01-03T00:00:00Z', { contactId: 'c2', channel: 'social', touchType: 'visit' }),
    e('c2-lead', 'lead.created', '2026-01-05T00:00:00Z', { contactId: 'c2' }),
    e('c3-lead', 'lead.created', '2026-01-10T00:00:00Z', { contactId: 'c3', source: 'email' }),
    e('o3-c', 'opportunity.created', '2026-01-11T00:00:00Z', { opportunityId: 'o3', accountId: 'A3', contactId: 'c3', amountCents: 2000, dealType: 'upsell' }),
    e('c4-lead', 'lead.created', '2026-01-15T12:00:00Z', { contactId: 'c4', source: 'email' }),
    e('c4-q', 'lead.qualified', '2026-01-15T12:00:00Z', { contactId: 'c4' }),
    e('c4-dq', 'lead.disqualified', '2026-01-20T00:00:00Z', { contactId: 'c4', reason: 'no budget' }),
    e('c5-t', 'touch', '2026-01-25T00:00:00Z', { contactId: 'c5', channel: 'email', touchType: 'visit' }),
    e('c5-lead', 'lead.created', '2026-02-01T00:00:00Z', { contactId: 'c5', source: 'email' }),
    e('c6-lead', 'lead.created', '2026-01-20T00:00:00Z', { contactId: 'c6', source: ' Paid_Search ' }),
    e('c6-lead', 'lead.created', '2026-01-20T00:00:00Z', { contactId: 'c6', source: ' Paid_Search ' }),
    e('c6-q', 'lead.qualified', '2026-01-22T00:00:00Z', { contactId: 'c6' }),
    e('c6-q', 'lead.qualified', '2026-01-22T00:00:00Z', { contactId: 'c6' }),
    e('c7-t', 'touch', '2025-12-01T00:00:00Z', { contactId: 'c7', channel: 'email', touchType: 'visit' }),
    e('c7-lead', 'lead.created', '2025-12-20T00:00:00Z', { contactId: 'c7', source: 'email' }),
  ],
  late: [e('c1-t', 'touch', '2026-01-01T00:00:00Z', { contactId: 'c1', channel: 'ads', touchType: 'visit' })],
};

const january = { from: '2026-01-01', to: '2026-02-01' };

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
  await send(handle.db, events.early);
  const main = await send(handle.db, events.main);
  expect(main.duplicates).toBe(2);
  await send(handle.db, events.late);
});
afterAll(() => handle.close());

describe('funnel of the inquiry cohort', () => {
  it('counts the journeys at each stage (c1, c2, c3, c4, c6)', async () => {
    const report = await funnel(handle.db, { range: january });
    expect(report.stages.map((s) => [s.stage, s.journeys])).toEqual([
      ['awareness', 5],
      ['inquiry', 5],
      ['qualification', 4],
      ['conversion', 2],
      ['retention', 1],
      ['expansion', 0],
      ['advocacy', 0],
    ]);
  });

  it('gives stage-to-stage conversion, null from an empty stage and after the last', async () => {
    const report = await funnel(handle.db, { range: january });
    // 5/5, 4/5, 2/4, 1/2, 0/1, 0/0, none
    expect(report.stages.map((s) => s.conversionToNext)).toEqual([1, 0.8, 0.5, 0.5, 0, null, null]);
  });

  it('gives velocity as median and p75 of days between reach times', async () => {
    const report = await funnel(handle.db, { range: january });
    expect(report.stages.map((s) => s.velocityToNext)).toEqual([
      // awareness -> inquiry: c1 1, c2 2, c3 0, c4 0, c6 0 -> 0 0 0 1 2
      { medianDays: 0, p75Days: 1, journeys: 5 },
      // inquiry -> qualification: c1 2, c3 1, c4 0, c6 2 -> 0 1 2 2: median 1.5, p75 at 2.25 -> 2
      { medianDays: 1.5, p75Days: 2, journeys: 4 },
      // qualification -> conversion: c1 8, c3 10: median 9, p75 at 0.75 -> 9.5
      { medianDays: 9, p75Days: 9.5, journeys: 2 },
      // conversion -> retention: c1 31
      { medianDays: 31, p75Days: 31, journeys: 1 },
      { medianDays: null, p75Days: null, journeys: 0 },
      { medianDays: null, p75Days: null, journeys: 0 },
      null,
    ]);
  });

  it('applies the source filter, with the first-touch source for a lead without one', async () => {
    const bySource = async (source: string) =>
      (await funnel(handle.db, { range: january, filters: { source } })).stages.map((s) => s.journeys);
    expect(await bySource('email')).toEqual([3, 3, 3, 2, 1, 0, 0]); // c1 c3 c4
    expect(await bySource('social')).toEqual([1, 1, 0, 0, 0, 0, 0]); // c2
    expect(await bySource('paid_search')).toEqual([1, 1, 1, 0, 0, 0, 0]); // c6, source trimmed and lower-cased
  });

  it('applies deal type and segment filters through the journey opportunity', async () => {
    const counts = async (filters: { dealType?: string; segment?: string }) =>
      (await funnel(handle.db, { range: january, filters })).stages.map((s) => s.journeys);
    expect(await counts({ dealType: 'new' })).toEqual([1, 1, 1, 1, 1, 0, 0]); // c1
    expect(await counts({ segment: 'upsell' })).toEqual([1, 1, 1, 1, 0, 0, 0]); // c3
    expect(await counts({ dealType: 'none-such' })).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('gives null conversion and velocity for an empty cohort', async () => {
    const report = await funnel(handle.db, { range: { from: '2030-01-01', to: '2030-02-01' } });
    expect(report.stages.map((s) => s.conversionToNext)).toEqual([null, null, null, null, null, null, null]);
    expect(report.stages[0]?.velocityToNext).toEqual({ medianDays: null, p75Days: null, journeys: 0 });
  });
});

describe('funnel of the awareness cohort', () => {
  it('takes the journeys whose awareness is in range (adds c5)', async () => {
    const report = await funnel(handle.db, { range: january, cohortBy: 'awareness' });
    expect(report.stages.map((s) => s.journeys)).toEqual([6, 6, 4, 2, 1, 0, 0]);
  });
});

describe('cohort trend', () => {
  it('counts each monthly cohort', async () => {
    const trend = await cohortTrend(handle.db, { range: { from: '2025-12-01', to: '2026-03-01' } });
    expect(trend).toEqual([
      { month: '2025-12', counts: { awareness: 1, inquiry: 1, qualification: 0, conversion: 0, retention: 0, expansion: 0, advocacy: 0 } },
      { month: '2026-01', counts: { awareness: 5, inquiry: 5, qualification: 4, conversion: 2, retention: 1, expansion: 0, advocacy: 0 } },
      { month: '2026-02', counts: { awareness: 1, inquiry: 1, qualification: 0, conversion: 0, retention: 0, expansion: 0, advocacy: 0 } },
    ]);
  });
});

describe('journey lists', () => {
  it('lists the journeys that dropped off after qualification, in inquiry order', async () => {
    const page = await journeyList(handle.db, { range: january, stage: 'qualification', list: 'dropped' });
    expect(page.items.map((j) => j.contactId)).toEqual(['c4', 'c6']);
    expect(page.items[0]?.reachedAt).toEqual({
      awareness: '2026-01-15T12:00:00.000Z',
      inquiry: '2026-01-15T12:00:00.000Z',
      qualification: '2026-01-15T12:00:00.000Z',
      conversion: null,
      retention: null,
      expansion: null,
      advocacy: null,
    });
  });

  it('pages the journeys that reached conversion, with contact and account', async () => {
    const first = await journeyList(handle.db, { range: january, stage: 'conversion', pageSize: 1 });
    expect(first.items).toEqual([
      {
        contactId: 'c1',
        name: 'Ann',
        email: 'c1@x.test',
        source: 'email',
        accountId: 'A1',
        reachedAt: {
          awareness: '2026-01-01T00:00:00.000Z',
          inquiry: '2026-01-02T00:00:00.000Z',
          qualification: '2026-01-04T00:00:00.000Z',
          conversion: '2026-01-12T00:00:00.000Z',
          retention: '2026-02-12T00:00:00.000Z',
          expansion: null,
          advocacy: null,
        },
      },
    ]);
    const second = await journeyList(handle.db, { range: january, stage: 'conversion', pageSize: 1, after: first.next! });
    expect(second.items.map((j) => j.contactId)).toEqual(['c3']);
    expect(second.next).toBeNull();
  });

  it('has nobody dropping off after the last stage', async () => {
    const page = await journeyList(handle.db, { range: january, stage: 'advocacy', list: 'dropped' });
    expect(page).toEqual({ items: [], next: null, previous: null });
  });
});

describe('stage counts over everything', () => {
  it('counts all seven journeys', async () => {
    const counts = await stageCounts(handle.db);
    expect(counts.map((c) => c.journeys)).toEqual([7, 7, 4, 2, 1, 0, 0]);
  });
});
