// Handoff times, SLA shares and black-hole lists on a small hand-built set, judged at 2026-02-01.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { setSetting } from '~/server/settings';
import { event as e, send } from './fixtures';
import { handoffKinds, handoffs, handoffWithinSlaShare } from './handoffs';

// Lead -> follow-up (SLA 24 h):
//   h1 lead 01-02, followed up 10 h later (u-ann)          -> 10 h, within
//   h2 lead 01-03, followed up 01-05 (u-bob)                -> 48 h, late
//   h3 lead 01-10, never followed up                         -> open, due 01-11, 504 h overdue
//   h4 lead 01-31T12:00, not yet                             -> open, still within (12 h)
//   h5 lead 01-05, disqualified 01-06 without follow-up      -> closed, not counted as open
//   h6 lead 01-06, followed up exactly 24 h later, again on 01-08 (first id sent twice) -> 24 h, within
//   h7 lead 01-07, follow-up logged 01-06T12:00 (before it)  -> 0 h, within
//   items 7, done 4 (0, 10, 24, 48 h: median 17), within 3, open past 1, open within 1, share 3/5
// Won -> onboarding started (SLA 168 h):
//   w1 won 01-05, started 01-08 -> 72 h; w2 won 01-10, started 01-20 -> 240 h; w3 won 01-15 (A3), not
//   started -> due 01-22, 240 h overdue; w4 won 01-28 -> still within; w5 won 12-20 (out of range); w6 lost
//   items 4, done 2 (median 156), within 1, open past 1, open within 1, share 1/3
// Ticket opened -> resolved (SLA 48 h):
//   t1 A1 24 h; t2 A2 6 h; t3 A2 120 h; t4 A3 opened 01-20, open -> 240 h overdue; t5 resolved, never opened
//   items 4, done 3 (median 24), within 2, open past 1, share 2/4
const at = (day: string) => `2026-${day}:00Z`;
const won = (id: string, account: string, createdAt: string, wonAt: string) => [
  e(`${id}-c`, 'opportunity.created', createdAt, { opportunityId: id, accountId: account, contactId: `c-${id}`, amountCents: 100, dealType: 'new' }),
  e(`${id}-w`, 'opportunity.won', wonAt, { opportunityId: id }),
];
const fixture = [
  e('h1', 'lead.created', at('01-02T00:00'), { contactId: 'h1' }),
  e('h1f', 'lead.followed_up', at('01-02T10:00'), { contactId: 'h1', activity: 'call', ownerId: 'u-ann' }),
  e('h2', 'lead.created', at('01-03T00:00'), { contactId: 'h2' }),
  e('h2f', 'lead.followed_up', at('01-05T00:00'), { contactId: 'h2', activity: 'email', ownerId: 'u-bob' }),
  e('h3', 'lead.created', at('01-10T00:00'), { contactId: 'h3', name: 'Hal', email: 'hal@x.test', accountId: 'A9' }),
  e('h4', 'lead.created', at('01-31T12:00'), { contactId: 'h4' }),
  e('h5', 'lead.created', at('01-05T00:00'), { contactId: 'h5' }),
  e('h5d', 'lead.disqualified', at('01-06T00:00'), { contactId: 'h5', reason: 'student' }),
  e('h6', 'lead.created', at('01-06T00:00'), { contactId: 'h6' }),
  e('h6f', 'lead.followed_up', at('01-07T00:00'), { contactId: 'h6', activity: 'call', ownerId: 'u-ann' }),
  e('h6f', 'lead.followed_up', at('01-07T00:00'), { contactId: 'h6', activity: 'call', ownerId: 'u-ann' }),
  e('h6g', 'lead.followed_up', at('01-08T00:00'), { contactId: 'h6', activity: 'call', ownerId: 'u-bob' }),
  e('h7f', 'lead.followed_up', at('01-06T12:00'), { contactId: 'h7', activity: 'call', ownerId: 'u-ann' }),
  e('h7', 'lead.created', at('01-07T00:00'), { contactId: 'h7' }),
  ...won('w1', 'A1', '2025-12-01T00:00:00Z', at('01-05T00:00')),
  e('w1-s', 'onboarding.started', at('01-08T00:00'), { opportunityId: 'w1' }),
  ...won('w2', 'A2', '2025-12-01T00:00:00Z', at('01-10T00:00')),
  e('w2-s', 'onboarding.started', at('01-20T00:00'), { opportunityId: 'w2' }),
  ...won('w3', 'A3', '2025-12-01T00:00:00Z', at('01-15T00:00')),
  ...won('w4', 'A4', '2025-12-01T00:00:00Z', at('01-28T00:00')),
  ...won('w5', 'A5', '2025-11-01T00:00:00Z', '2025-12-20T00:00:00Z'),
  e('w6-c', 'opportunity.created', '2025-12-01T00:00:00Z', { opportunityId: 'w6', accountId: 'A6', amountCents: 1, dealType: 'new' }),
  e('w6-l', 'opportunity.lost', at('01-10T00:00'), { opportunityId: 'w6' }),
  e('t1', 'ticket.opened', at('01-02T00:00'), { ticketId: 't1', accountId: 'A1' }),
  e('t1r', 'ticket.resolved', at('01-03T00:00'), { ticketId: 't1' }),
  e('t2', 'ticket.opened', at('01-04T00:00'), { ticketId: 't2', accountId: 'A2' }),
  e('t2r', 'ticket.resolved', at('01-04T06:00'), { ticketId: 't2' }),
  e('t3', 'ticket.opened', at('01-05T00:00'), { ticketId: 't3', accountId: 'A2' }),
  e('t3r', 'ticket.resolved', at('01-10T00:00'), { ticketId: 't3' }),
  e('t4', 'ticket.opened', at('01-20T00:00'), { ticketId: 't4', accountId: 'A3', contactId: 'h3' }),
  e('t5r', 'ticket.resolved', at('01-12T00:00'), { ticketId: 't5' }),
];

const january = { from: '2026-01-01', to: '2026-02-01' };
const asOf = new Date('2026-02-01T00:00:00Z');

let handle: DbHandle;
beforeAll(async () => {
  handle = await createTestDb();
  await send(handle.db, fixture);
});
afterAll(() => handle.close());

describe('handoffs with the default SLAs', () => {
  it('measures lead follow-up and lists the lead left waiting', async () => {
    const report = await handoffs(handle.db, { range: january, asOf });
    expect(report.asOf).toBe('2026-02-01T00:00:00.000Z');
    expect(report.handoffs[0]).toEqual({
      handoff: 'leadFollowUp',
      department: 'sales',
      slaHours: 24,
      items: 7,
      done: 4,
      doneWithinSla: 3,
      medianHours: 17,
      withinSlaShare: 0.6,
      openWithinSla: 1,
      openPastSla: 1,
      blackHole: [
        {
          itemId: 'h3', startedAt: '2026-01-10T00:00:00.000Z', dueAt: '2026-01-11T00:00:00.000Z', hoursOverdue: 504,
          owner: null, accountId: 'A9', contactId: 'h3', contactName: 'Hal', email: 'hal@x.test',
        },
      ],
    });
  });

  it('measures won -> onboarding with the opportunity account as owner', async () => {
    const report = await handoffs(handle.db, { range: january, asOf });
    expect(report.handoffs[1]).toEqual({
      handoff: 'onboardingStart',
      department: 'operations',
      slaHours: 168,
      items: 4,
      done: 2,
      doneWithinSla: 1,
      medianHours: 156,
      withinSlaShare: 1 / 3,
      openWithinSla: 1,
      openPastSla: 1,
      blackHole: [
        {
          itemId: 'w3', startedAt: '2026-01-15T00:00:00.000Z', dueAt: '2026-01-22T00:00:00.000Z', hoursOverdue: 240,
          owner: 'A3', accountId: 'A3', contactId: 'c-w3', contactName: null, email: null,
        },
      ],
    });
  });

  it('gives a KPI the same share through the narrow query', async () => {
    // onboardingStart above: 1 done within SLA out of 2 done + 1 open past SLA.
    expect(await handoffWithinSlaShare(handle.db, 'onboardingStart', { range: january, asOf })).toBe(1 / 3);
    const report = await handoffs(handle.db, { range: january, asOf });
    for (const kind of handoffKinds) {
      expect(await handoffWithinSlaShare(handle.db, kind, { range: january, asOf })).toBe(report.handoffs.find((h) => h.handoff === kind)?.withinSlaShare);
    }
  });

  it('measures ticket resolution with the ticket account as owner', async () => {
    const report = await handoffs(handle.db, { range: january, asOf });
    expect(report.handoffs[2]).toEqual({
      handoff: 'ticketResolution',
      department: 'service',
      slaHours: 48,
      items: 4,
      done: 3,
      doneWithinSla: 2,
      medianHours: 24,
      withinSlaShare: 0.5,
      openWithinSla: 0,
      openPastSla: 1,
      blackHole: [
        {
          itemId: 't4', startedAt: '2026-01-20T00:00:00.000Z', dueAt: '2026-01-22T00:00:00.000Z', hoursOverdue: 240,
          owner: 'A3', accountId: 'A3', contactId: 'h3', contactName: 'Hal', email: 'hal@x.test',
        },
      ],
    });
  });

  it('gives null shares and medians when nothing started in the range', async () => {
    const report = await handoffs(handle.db, { range: { from: '2030-01-01', to: '2030-02-01' }, asOf });
    for (const summary of report.handoffs) {
      expect([summary.items, summary.medianHours, summary.withinSlaShare, summary.blackHole]).toEqual([0, null, null, []]);
    }
  });
});

describe("tickets filtered by their account's journeys, with their contact's name", () => {
  // March 2026, apart from the fixture above. 40 journeys (from 2025-02) of accounts K0..K4, journey
  // kc<n> in account K<n mod 5>; only kc1..kc5 came from paid search (campaign cmp-k), one per
  // account. 20 tickets opened 03-02, none resolved: ticket kt<n> of account K<n mod 5>, opened by
  // contact kc<n + 10>, so the contact's journey and the account's paid-search journey are
  // different journeys (on a cluster, mostly on different shards).
  const march = { from: '2026-03-01', to: '2026-04-01' };
  const inApril = new Date('2026-04-01T00:00:00Z');
  beforeAll(async () => {
    const journeys = Array.from({ length: 40 }, (_, i) => {
      const n = i + 1;
      const paid = n <= 5 ? { source: 'paid_search', campaignId: 'cmp-k' } : { source: 'organic' };
      return e(`kl${n}`, 'lead.created', '2025-02-01T00:00:00Z', { contactId: `kc${n}`, accountId: `K${n % 5}`, name: `Kay ${n}`, email: `kay${n}@k.test`, ...paid });
    });
    const tickets = Array.from({ length: 20 }, (_, i) => {
      const n = i + 1;
      return e(`kt${n}`, 'ticket.opened', at('03-02T00:00'), { ticketId: `kt${n}`, accountId: `K${n % 5}`, contactId: `kc${n + 10}` });
    });
    await send(handle.db, [...journeys, ...tickets]);
  });

  // Every account has a paid-search journey of campaign cmp-k, so all 20 tickets match; all are
  // open past their 48 h (due 03-04, 672 h overdue on 04-01). The black hole's first three by id:
  // kt1 (contact kc11), kt10 (kc20), kt11 (kc21).
  const blackHole = [
    ['kt1', 'kc11', 'Kay 11', 'kay11@k.test', 'K1'],
    ['kt10', 'kc20', 'Kay 20', 'kay20@k.test', 'K0'],
    ['kt11', 'kc21', 'Kay 21', 'kay21@k.test', 'K1'],
  ].map(([itemId, contactId, contactName, email, account]) => ({
    itemId, startedAt: '2026-03-02T00:00:00.000Z', dueAt: '2026-03-04T00:00:00.000Z', hoursOverdue: 672,
    owner: account, accountId: account, contactId, contactName, email,
  }));

  it('counts and lists every ticket, one filter (the rollup) or two (the items)', async () => {
    for (const filters of [{ source: 'paid_search' }, { source: 'paid_search', campaign: 'cmp-k' }]) {
      const report = await handoffs(handle.db, { range: march, filters, asOf: inApril, blackHoleLimit: 3 });
      const ticket = report.handoffs[2];
      expect(
        [ticket?.items, ticket?.done, ticket?.openPastSla, ticket?.openWithinSla, ticket?.withinSlaShare, ticket?.medianHours],
        JSON.stringify(filters),
      ).toEqual([20, 0, 20, 0, 0, null]);
      expect(ticket?.blackHole, JSON.stringify(filters)).toEqual(blackHole);
    }
  });
});

describe('handoffs with changed SLAs', () => {
  it('reads the SLAs from the settings', async () => {
    await setSetting(handle.db, 'slas', { leadFollowUpHours: 48, onboardingStartHours: 240, ticketResolutionHours: 1 });
    const report = await handoffs(handle.db, { range: january, asOf });
    const [lead, onboarding, ticket] = report.handoffs;
    // h2 (48 h) now within; h3 due 01-12 -> 480 h overdue
    expect([lead?.doneWithinSla, lead?.withinSlaShare, lead?.blackHole[0]?.hoursOverdue]).toEqual([4, 0.8, 480]);
    // w2 (240 h) within; w3 due 01-25 -> 168 h overdue
    expect([onboarding?.doneWithinSla, onboarding?.blackHole[0]?.hoursOverdue]).toEqual([2, 168]);
    // no ticket resolved within 1 h
    expect([ticket?.doneWithinSla, ticket?.withinSlaShare]).toEqual([0, 0]);
  });
});
