// Stored attribution credits and the reports over them, from small event sets worked out by hand.
// Days are days after 2026-01-01 (the `ev` factory).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, type Db, type DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { dumpReadModel, ev, type WireEvent } from '~/server/ingest/factories';
import { seedEvents } from '~/server/ingest/seedEvents';
import { rebuildReadModel } from '~/server/projector/rebuild';
import { attributionDeal, attributionReport } from './attribution';

// Deal o1 (account acme, 1,000 cents): t0 anonymous social touch tied to c1 by lead.created lc1,
// t1 email, lc1 (paid_search / cmp1), t2 webinar (cmp2) when the opportunity is created, t3 email at
// the win; 28, 21, 14, 7 and 0 days before the win.
const dealOne: WireEvent[] = [
  ev('campaign.upserted', 0, { campaignId: 'cmp2', name: 'Spring webinar', channel: 'webinar' }, 'k2'),
  ev('touch', 2, { anonymousId: 'anon1', channel: 'social', touchType: 'ad' }, 't0'),
  ev('touch', 9, { contactId: 'c1', channel: 'email', touchType: 'open' }, 't1'),
  ev('lead.created', 16, { contactId: 'c1', accountId: 'acme', source: 'paid_search', campaignId: 'cmp1', anonymousId: 'anon1' }, 'lc1'),
  ev('touch', 23, { contactId: 'c1', channel: 'webinar', touchType: 'attend', campaignId: 'cmp2' }, 't2'),
  ev('opportunity.created', 23, { opportunityId: 'o1', accountId: 'acme', contactId: 'c1', amountCents: 900, dealType: 'new' }, 'oc1'),
  ev('touch', 30, { contactId: 'c1', channel: 'email', touchType: 'click' }, 't3'),
  ev('opportunity.won', 30, { opportunityId: 'o1', amountCents: 1000 }, 'ow1'),
];
// Deal o2 (account solo, 500 cents): nobody of its account was ever touched.
const dealTwo: WireEvent[] = [
  ev('opportunity.created', 35, { opportunityId: 'o2', accountId: 'solo', amountCents: 500, dealType: 'renewal' }, 'oc2'),
  ev('opportunity.won', 40, { opportunityId: 'o2' }, 'ow2'),
];
// Deal o3 (account beta, 300 cents): lc3 is first, lead creation and opportunity creation; t5 closes;
// t6 comes after the win and does not count.
const dealThree: WireEvent[] = [
  ev('lead.created', 46, { contactId: 'c3', accountId: 'beta', source: 'referral' }, 'lc3'),
  ev('opportunity.created', 47, { opportunityId: 'o3', accountId: 'beta', contactId: 'c3', amountCents: 300, dealType: 'new' }, 'oc3'),
  ev('touch', 53, { contactId: 'c3', channel: 'social', touchType: 'ad' }, 't5'),
  ev('opportunity.won', 60, { opportunityId: 'o3' }, 'ow3'),
  ev('touch', 65, { contactId: 'c3', channel: 'email', touchType: 'open' }, 't6'),
];
// Arrives after the win, at the same instant as t5 and before it by id.
const lateTouch = ev('touch', 53, { contactId: 'c3', channel: 'email', touchType: 'open' }, 'a-late');

async function credits(db: Db, opportunityId: string): Promise<Record<string, Record<string, number>>> {
  const found = await rows<{ model: string; touch_ref: string; credit: number }>(
    db,
    sql`select model, touch_ref, credit_cents::int as credit from attribution_credits where opportunity_id = ${opportunityId}`,
  );
  const table: Record<string, Record<string, number>> = {};
  for (const r of found) (table[r.model] ??= {})[r.touch_ref] = r.credit;
  return table;
}

const range = { from: '2026-01-01', to: '2026-04-11' };

describe('stored attribution credits', () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb();
    await seedEvents(handle.db, [...dealOne, ...dealTwo, ...dealThree]);
  });
  afterAll(() => handle.close());

  it('credits every model of a five-touch path, the tied anonymous touch and lead.created included', async () => {
    expect(await credits(handle.db, 'o1')).toEqual({
      first_touch: { t0: 1000, t1: 0, lc1: 0, t2: 0, t3: 0 },
      last_touch: { t0: 0, t1: 0, lc1: 0, t2: 0, t3: 1000 },
      linear: { t0: 200, t1: 200, lc1: 200, t2: 200, t3: 200 },
      // others t1, t2, t3 share 20% = 66.67 each; two cents left go to t1 and t2
      u_shaped: { t0: 400, t1: 67, lc1: 400, t2: 67, t3: 66 },
      w_shaped: { t0: 300, t1: 50, lc1: 300, t2: 300, t3: 50 },
      full_path: { t0: 225, t1: 100, lc1: 225, t2: 225, t3: 225 },
      // 1/31, 2/31, 4/31, 8/31, 16/31 of 1,000 = 32.26, 64.52, 129.03, 258.06, 516.13; one cent to t1
      time_decay: { t0: 32, t1: 65, lc1: 129, t2: 258, t3: 516 },
    });
  });

  it('credits a deal without touches to unattributed', async () => {
    const all = { unattributed: 500 };
    expect(await credits(handle.db, 'o2')).toEqual({
      first_touch: all, last_touch: all, linear: all, u_shaped: all, w_shaped: all, full_path: all, time_decay: all,
    });
  });

  it('gives a touch holding first, lead-creation and opportunity-creation positions their sum', async () => {
    expect(await credits(handle.db, 'o3')).toEqual({
      first_touch: { lc3: 300, t5: 0 },
      last_touch: { lc3: 0, t5: 300 },
      linear: { lc3: 150, t5: 150 },
      u_shaped: { lc3: 240, t5: 60 },
      w_shaped: { lc3: 270, t5: 30 },
      // 67.5 / 22.5 with no other touch -> 75% / 25%
      full_path: { lc3: 225, t5: 75 },
      // 14 and 7 days before the win: 1/4 and 1/2 -> 1/3 and 2/3
      time_decay: { lc3: 100, t5: 200 },
    });
  });

  it('recomputes the credits when a touch arrives after the win', async () => {
    await seedEvents(handle.db, [lateTouch]);
    expect(await credits(handle.db, 'o3')).toEqual({
      first_touch: { lc3: 300, 'a-late': 0, t5: 0 },
      // a-late and t5 share an instant: t5 is later by id, so it is the closed-won touch
      last_touch: { lc3: 0, 'a-late': 0, t5: 300 },
      linear: { lc3: 100, 'a-late': 100, t5: 100 },
      u_shaped: { lc3: 240, 'a-late': 30, t5: 30 },
      w_shaped: { lc3: 270, 'a-late': 15, t5: 15 },
      // lc3 67.5%, a-late (the other) 10%, t5 (closed-won) 22.5%: 202.5, 30, 67.5; the odd cent of
      // the 0.5 tie goes to the earlier lc3
      full_path: { lc3: 203, 'a-late': 30, t5: 67 },
      // 1/4, 1/2, 1/2 -> 20%, 40%, 40%
      time_decay: { lc3: 60, 'a-late': 120, t5: 120 },
    });
  });

  it('reports revenue credit and influenced deals by channel and campaign', async () => {
    const report = await attributionReport(handle.db, { range });
    expect(report.deals).toBe(3);
    expect(report.revenueCents).toBe(1800);
    const linear = Object.fromEntries(report.byChannel.map((r) => [r.key, r.models.linear]));
    expect(linear).toEqual({
      email: { revenueCents: 500, influencedDeals: 2 },
      unattributed: { revenueCents: 500, influencedDeals: 1 },
      social: { revenueCents: 300, influencedDeals: 2 },
      paid_search: { revenueCents: 200, influencedDeals: 1 },
      webinar: { revenueCents: 200, influencedDeals: 1 },
      referral: { revenueCents: 100, influencedDeals: 1 },
    });
    const firstTouch = Object.fromEntries(report.byChannel.map((r) => [r.key, r.models.first_touch]));
    expect(firstTouch).toEqual({
      email: { revenueCents: 0, influencedDeals: 0 },
      unattributed: { revenueCents: 500, influencedDeals: 1 },
      social: { revenueCents: 1000, influencedDeals: 1 },
      paid_search: { revenueCents: 0, influencedDeals: 0 },
      webinar: { revenueCents: 0, influencedDeals: 0 },
      referral: { revenueCents: 300, influencedDeals: 1 },
    });
    const campaigns = report.byCampaign.map((r) => [r.key, r.name, r.models.linear.revenueCents, r.models.u_shaped.revenueCents]);
    // u-shaped: cmp1 holds lc1 (400), cmp2 holds t2 (67)
    expect(campaigns).toEqual([
      [null, null, 1400, 1333],
      ['cmp1', null, 200, 400],
      ['cmp2', 'Spring webinar', 200, 67],
    ]);
  });

  it('applies the range and the filters to the deals', async () => {
    const late = await attributionReport(handle.db, { range: { from: '2026-02-05', to: '2026-04-11' } });
    expect([late.deals, late.revenueCents]).toEqual([2, 800]);
    const renewals = await attributionReport(handle.db, { range, filters: { dealType: 'renewal' } });
    expect([renewals.deals, renewals.revenueCents]).toEqual([1, 500]);
    expect(renewals.byChannel.map((r) => [r.key, r.models.w_shaped.revenueCents])).toEqual([['unattributed', 500]]);
    const none = await attributionReport(handle.db, { range: { from: '2025-01-01', to: '2025-02-01' } });
    expect([none.deals, none.revenueCents, none.byChannel, none.byCampaign]).toEqual([0, 0, [], []]);
  });

  it('lists the touches behind one deal with every model', async () => {
    const deal = await attributionDeal(handle.db, 'o1');
    expect(deal?.amountCents).toBe(1000);
    expect(deal?.touches.map((t) => [t.ref, t.kind, t.channel, t.campaignId, t.credits.u_shaped, t.credits.time_decay])).toEqual([
      ['t0', 'touch', 'social', null, 400, 32],
      ['t1', 'touch', 'email', null, 67, 65],
      ['lc1', 'lead.created', 'paid_search', 'cmp1', 400, 129],
      ['t2', 'touch', 'webinar', 'cmp2', 67, 258],
      ['t3', 'touch', 'email', null, 66, 516],
    ]);
    expect(deal?.touches[0]?.at).toBe('2026-01-03T00:00:00.000Z');
    expect(await attributionDeal(handle.db, 'nope')).toBeNull();
  });

  it('gives the same credits after a rebuild', async () => {
    const before = (await dumpReadModel(handle.db)).attribution_credits;
    await rebuildReadModel(handle.db);
    expect((await dumpReadModel(handle.db)).attribution_credits).toEqual(before);
  });
});

describe('attribution and arrival order', () => {
  it('stores the same credits when every event arrives in reverse order, one at a time', async () => {
    const all = [...dealOne, ...dealTwo, ...dealThree, lateTouch];
    const inOrder = await createTestDb();
    const reversed = await createTestDb();
    try {
      await seedEvents(inOrder.db, all);
      for (const e of [...all].reverse()) await seedEvents(reversed.db, [e]);
      const expected = (await dumpReadModel(inOrder.db)).attribution_credits;
      expect(JSON.parse(expected ?? '[]')).toHaveLength(7 * 5 + 7 + 7 * 3);
      expect((await dumpReadModel(reversed.db)).attribution_credits).toEqual(expected);
    } finally {
      await inOrder.close();
      await reversed.close();
    }
  }, 240_000);
});

// Deal o5 (account delta, 400 cents) names c5, whose lead lc5 names gamma and who converted through
// gamma's o4 before: c5 belongs to gamma, yet as o5's own contact it counts among o5's leads.
// lc5 (event), t8 email, o5 created, t9 social, won: 21, 14 and 7 days before the win.
const otherAccountDeal: WireEvent[] = [
  ev('lead.created', 70, { contactId: 'c5', accountId: 'gamma', source: 'event' }, 'lc5'),
  ev('opportunity.created', 71, { opportunityId: 'o4', accountId: 'gamma', contactId: 'c5', amountCents: 700, dealType: 'new' }, 'oc4'),
  ev('opportunity.won', 72, { opportunityId: 'o4' }, 'ow4'),
  ev('touch', 77, { contactId: 'c5', channel: 'email', touchType: 'open' }, 't8'),
  ev('opportunity.created', 80, { opportunityId: 'o5', accountId: 'delta', contactId: 'c5', amountCents: 400, dealType: 'new' }, 'oc5'),
  ev('touch', 84, { contactId: 'c5', channel: 'social', touchType: 'ad' }, 't9'),
  ev('opportunity.won', 91, { opportunityId: 'o5' }, 'ow5'),
];
const otherAccountCredits = {
  // lc5 is first and lead creation, t8 opportunity creation, t9 closed-won
  first_touch: { lc5: 400, t8: 0, t9: 0 },
  last_touch: { lc5: 0, t8: 0, t9: 400 },
  // 133.33 each; the cent left goes to the earlier lc5
  linear: { lc5: 134, t8: 133, t9: 133 },
  // lc5 40% + 40%, the others t8 and t9 10% each
  u_shaped: { lc5: 320, t8: 40, t9: 40 },
  // lc5 30% + 30%, t8 30%, the other t9 10%
  w_shaped: { lc5: 240, t8: 120, t9: 40 },
  // lc5 45%, t8 22.5%, t9 22.5%, no other touch: normalised to 50%, 25%, 25%
  full_path: { lc5: 200, t8: 100, t9: 100 },
  // 1/8, 1/4, 1/2 -> 1/7, 2/7, 4/7 of 400 = 57.14, 114.29, 228.57; the cent left to t9
  time_decay: { lc5: 57, t8: 114, t9: 229 },
};

describe("a deal whose contact's lead names another account", () => {
  it("counts the opportunity's own contact among its leads, whatever arrival order", async () => {
    const inOrder = await createTestDb();
    const reversed = await createTestDb();
    try {
      await seedEvents(inOrder.db, otherAccountDeal);
      expect(await credits(inOrder.db, 'o5')).toEqual(otherAccountCredits);
      // o4 (gamma, won on day 72) has only lc5 in its window
      const all = { lc5: 700 };
      expect(await credits(inOrder.db, 'o4')).toEqual({
        first_touch: all, last_touch: all, linear: all, u_shaped: all, w_shaped: all, full_path: all, time_decay: all,
      });
      for (const e of [...otherAccountDeal].reverse()) await seedEvents(reversed.db, [e]);
      expect(await credits(reversed.db, 'o5')).toEqual(otherAccountCredits);
    } finally {
      await inOrder.close();
      await reversed.close();
    }
  }, 120_000);
});
