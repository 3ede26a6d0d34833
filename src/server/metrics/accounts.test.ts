import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { seedEvents } from '~/server/ingest/seedEvents';
import { accountTimeline, getAccount } from './accounts';
import { accountList } from './lists';

let handle: DbHandle;



beforeAll(async () => {
  handle = await createTestDb();
  await seedEvents(handle.db, [
    ['m-03', 'touch', '2026-01-05T10:00:00Z', { anonymousId: 'anon1', channel: 'Paid_Search', touchType: 'ad_click', campaignId: 'CMP1' }],
    ['m-01', 'lead.created', '2026-01-06T09:00:00Z', { contactId: 'c1', accountId: 'ACME', email: 'ann@acme.test', name: 'Ann', company: 'Acme', source: 'webinar', anonymousId: 'anon1' }],
    ['m-02', 'touch', '2026-01-06T09:00:00Z', { contactId: 'c1', channel: 'email', touchType: 'open' }],
    ['m-04', 'lead.created', '2026-01-10T00:00:00Z', { contactId: 'c3', accountId: 'ACME', name: 'Carl' }],
    ['m-05', 'lead.created', '2026-01-05T00:00:00Z', { contactId: 'c2', accountId: 'OTHER', company: 'Other Co', name: 'Olga' }],
    ['m-06', 'touch', '2026-01-05T01:00:00Z', { contactId: 'c2', channel: 'email', touchType: 'open' }],
  ]);
  await seedEvents(handle.db, [
    ['s-01', 'lead.followed_up', '2026-01-06T15:00:00Z', { contactId: 'c1', activity: 'call', ownerId: 'rep1' }],
    ['s-02', 'lead.qualified', '2026-01-07T00:00:00Z', { contactId: 'c1' }],
    ['s-03', 'opportunity.created', '2026-01-08T00:00:00Z', { opportunityId: 'O1', accountId: 'ACME', contactId: 'c1', amountCents: 50000, dealType: 'new_business' }],
    ['s-04', 'lead.disqualified', '2026-01-12T00:00:00Z', { contactId: 'c3', reason: 'no budget' }],
    ['s-05', 'opportunity.updated', '2026-01-20T00:00:00Z', { opportunityId: 'O1', amountCents: 60000, stage: 'proposal' }],
    ['s-06', 'opportunity.won', '2026-02-01T00:00:00Z', { opportunityId: 'O1' }],
    ['s-07', 'opportunity.created', '2026-08-01T00:00:00Z', { opportunityId: 'O2', accountId: 'ACME', amountCents: 30000, dealType: 'renewal' }],
    ['s-08', 'opportunity.created', '2026-04-02T00:00:00Z', { opportunityId: 'O3', accountId: 'GAMMA', amountCents: 20000, dealType: 'smb' }],
  ]);
  await seedEvents(handle.db, [
    ['o-01', 'onboarding.started', '2026-02-03T00:00:00Z', { opportunityId: 'O1' }],
    ['o-02', 'account.expanded', '2026-06-01T00:00:00Z', { accountId: 'ACME', amountCents: 10000 }],
    ['o-03', 'account.advocacy', '2026-07-01T00:00:00Z', { accountId: 'ACME', contactId: 'c1', kind: 'case_study' }],
    ['o-04', 'account.renewed', '2026-12-01T00:00:00Z', { accountId: 'ACME', amountCents: 70000 }],
  ]);
  await seedEvents(handle.db, [
    ['v-01', 'ticket.opened', '2026-03-01T00:00:00Z', { ticketId: 'T1', accountId: 'ACME', contactId: 'c1', category: 'billing' }],
    ['v-02', 'ticket.resolved', '2026-03-02T00:00:00Z', { ticketId: 'T1', csat: 4 }],
    ['v-03', 'ticket.opened', '2026-08-02T00:00:00Z', { ticketId: 'T2', accountId: 'ACME', priority: 'high' }],
    ['v-04', 'ticket.opened', '2026-04-01T00:00:00Z', { ticketId: 'T3', accountId: 'BETA' }],
  ]);
  // Late: sent last, happened first.
  await seedEvents(handle.db, [['m-late', 'touch', '2026-01-04T08:00:00Z', { contactId: 'c1', channel: 'email', touchType: 'newsletter' }]]);
});

afterAll(async () => {
  await handle.close();
});

describe('account list', () => {
  it('pages accounts by name (the id where there is none) with reach, open work and lifetime value', async () => {
    const page = await accountList(handle.db, { pageSize: 3 });
    expect(page.items.map(({ firstSeenAt: _, ...a }) => a)).toEqual([
      { accountId: 'ACME', name: 'Acme', stageReached: 'advocacy', openDeals: 1, openRenewals: 1, openTickets: 1, lifetimeValueCents: 140000, churned: false },
      { accountId: 'BETA', name: null, stageReached: null, openDeals: 0, openRenewals: 0, openTickets: 1, lifetimeValueCents: 0, churned: false },
      { accountId: 'GAMMA', name: null, stageReached: null, openDeals: 1, openRenewals: 0, openTickets: 0, lifetimeValueCents: 0, churned: false },
    ]);
    expect(page.previous).toBeNull();
    const second = await accountList(handle.db, { pageSize: 3, after: page.next! });
    expect(second.items.map((a) => a.accountId)).toEqual(['OTHER']);
    expect(second.next).toBeNull();
    const back = await accountList(handle.db, { pageSize: 3, before: second.previous! });
    expect(back.items.map((a) => a.accountId)).toEqual(['ACME', 'BETA', 'GAMMA']);
    expect(back.previous).toBeNull();
  });

  it('searches by id or name', async () => {
    expect((await accountList(handle.db, { search: 'other' })).items.map((a) => a.accountId)).toEqual(['OTHER']);
    expect((await accountList(handle.db, { search: 'MM' })).items.map((a) => a.accountId)).toEqual(['GAMMA']);
    expect((await accountList(handle.db, { search: '%' })).items).toEqual([]);
  });

  it('answers which accounts with open tickets have an open deal or renewal', async () => {
    const page = await accountList(handle.db, { openTicketWithOpenDeal: true });
    expect(page.items.map((a) => a.accountId)).toEqual(['ACME']);
  });

  it('reads one account', async () => {
    expect(await getAccount(handle.db, 'GAMMA')).toMatchObject({ openDeals: 1, openRenewals: 0, openTickets: 0 });
    expect(await getAccount(handle.db, 'NOPE')).toBeNull();
  });
});

describe('account timeline', () => {
  it('lists what every department recorded, in time order, ties by event id, late events in place', async () => {
    const timeline = await accountTimeline(handle.db, { accountId: 'ACME' });
    expect(timeline.total).toBe(19);
    expect(timeline.items.map((i) => [i.at, i.department, i.type, i.summary, i.contactId, i.contactName, i.amountCents])).toEqual([
      ['2026-01-04T08:00:00.000Z', 'marketing', 'touch', 'Touch by email (newsletter)', 'c1', 'Ann', null],
      ['2026-01-05T10:00:00.000Z', 'marketing', 'touch', 'Touch by paid_search (ad_click, campaign CMP1)', 'c1', 'Ann', null],
      ['2026-01-06T09:00:00.000Z', 'marketing', 'lead.created', 'Lead c1 created (source webinar)', 'c1', 'Ann', null],
      ['2026-01-06T09:00:00.000Z', 'marketing', 'touch', 'Touch by email (open)', 'c1', 'Ann', null],
      ['2026-01-06T15:00:00.000Z', 'sales', 'lead.followed_up', 'Lead c1 followed up by call (owner rep1)', 'c1', 'Ann', null],
      ['2026-01-07T00:00:00.000Z', 'sales', 'lead.qualified', 'Lead c1 qualified', 'c1', 'Ann', null],
      ['2026-01-08T00:00:00.000Z', 'sales', 'opportunity.created', 'Opportunity O1 created (new_business)', 'c1', 'Ann', 50000],
      ['2026-01-10T00:00:00.000Z', 'marketing', 'lead.created', 'Lead c3 created', 'c3', 'Carl', null],
      ['2026-01-12T00:00:00.000Z', 'sales', 'lead.disqualified', 'Lead c3 disqualified: no budget', 'c3', 'Carl', null],
      ['2026-01-20T00:00:00.000Z', 'sales', 'opportunity.updated', 'Opportunity O1 updated (stage proposal)', 'c1', 'Ann', 60000],
      ['2026-02-01T00:00:00.000Z', 'sales', 'opportunity.won', 'Opportunity O1 won', 'c1', 'Ann', 60000],
      ['2026-02-03T00:00:00.000Z', 'operations', 'onboarding.started', 'Onboarding of O1 started', 'c1', 'Ann', null],
      ['2026-03-01T00:00:00.000Z', 'service', 'ticket.opened', 'Ticket T1 opened (billing)', 'c1', 'Ann', null],
      ['2026-03-02T00:00:00.000Z', 'service', 'ticket.resolved', 'Ticket T1 resolved (CSAT 4)', 'c1', 'Ann', null],
      ['2026-06-01T00:00:00.000Z', 'operations', 'account.expanded', 'Account expanded', null, null, 10000],
      ['2026-07-01T00:00:00.000Z', 'operations', 'account.advocacy', 'Advocacy: case study', 'c1', 'Ann', null],
      ['2026-08-01T00:00:00.000Z', 'sales', 'opportunity.created', 'Opportunity O2 created (renewal)', null, null, 30000],
      ['2026-08-02T00:00:00.000Z', 'service', 'ticket.opened', 'Ticket T2 opened (priority high)', null, null, null],
      ['2026-12-01T00:00:00.000Z', 'operations', 'account.renewed', 'Account renewed', null, null, 70000],
    ]);
    expect(timeline.items[2]?.contactEmail).toBe('ann@acme.test');
  });

  it('pages the timeline', async () => {
    const page = await accountTimeline(handle.db, { accountId: 'ACME', offset: 17, limit: 5 });
    expect(page.total).toBe(19);
    expect(page.items.map((i) => i.eventId)).toEqual(['v-03', 'o-04']);
  });

  it('keeps other accounts out', async () => {
    const other = await accountTimeline(handle.db, { accountId: 'OTHER' });
    expect(other.items.map((i) => i.eventId)).toEqual(['m-05', 'm-06']);
  });
});
