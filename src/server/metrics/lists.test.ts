// Keyset pages of every list: walking the pages forward, or backward from the end, gives every row
// exactly once in the list's order, ties on the sort key ordered by id; rows added while someone
// pages do not shift the pages after the cursor; masking holds on every page; and each page query
// is an index scan with no sort of the whole set (seq scans and sorts made unattractive, a plan
// that still sorts would show the order has no index).
import { PgDialect } from 'drizzle-orm/pg-core';
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { masked } from '~/lib/masked';
import { callerAs, createTestUser } from '~/server/api/testing';
import type { Db, DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { seedEvents } from '~/server/ingest/seedEvents';
import type { Page } from './keyset';
import { accountList, blackHoleList, journeyList, wonDeals } from './lists';

let handle: DbHandle;
type Ev = [id: string, type: string, at: string, data: Record<string, unknown>];


const march = { from: '2026-03-01', to: '2026-04-01' };
const asOf = new Date('2026-04-01T00:00:00Z');
const lead = (contactId: string, at: string, accountId: string, company: string | undefined): Ev => [
  `lead-${contactId}`,
  'lead.created',
  at,
  { contactId, accountId, email: `${contactId}@x.test`, name: `Name ${contactId}`, source: 'email', ...(company ? { company } : {}) },
];

beforeAll(async () => {
  handle = await createTestDb();
  // Inquiries: c01 c02 c03 on the 2nd (sent out of order), c04 c05 on the 3rd, c06 on the 4th,
  // c07 c08 on the 5th. Accounts: three called "Same", the rest unnamed (listed by id).
  await seedEvents(handle.db, [
    lead('c03', '2026-03-02T00:00:00Z', 'ACC-3', 'Same'),
    lead('c01', '2026-03-02T00:00:00Z', 'ACC-1', 'Same'),
    lead('c02', '2026-03-02T00:00:00Z', 'ACC-2', 'Same'),
    lead('c05', '2026-03-03T00:00:00Z', 'ACC-5', undefined),
    lead('c04', '2026-03-03T00:00:00Z', 'ACC-4', undefined),
    lead('c06', '2026-03-04T00:00:00Z', 'ACC-6', undefined),
    lead('c08', '2026-03-05T00:00:00Z', 'ACC-8', undefined),
    lead('c07', '2026-03-05T00:00:00Z', 'ACC-7', undefined),
  ]);
  const opened = (o: string, account: string, contactId: string): Ev => [`c-${o}`, 'opportunity.created', '2026-03-06T00:00:00Z', { opportunityId: o, accountId: account, contactId, amountCents: 1000, dealType: 'new' }];
  const won = (o: string, at: string): Ev => [`w-${o}`, 'opportunity.won', at, { opportunityId: o }];
  // c02 followed up, c05 disqualified: neither waits for a follow-up.
  await seedEvents(handle.db, [
    ['f-c02', 'lead.followed_up', '2026-03-02T01:00:00Z', { contactId: 'c02', activity: 'call', ownerId: 'rep' }],
    ['d-c05', 'lead.disqualified', '2026-03-03T01:00:00Z', { contactId: 'c05', reason: 'no budget' }],
    opened('o1', 'ACC-1', 'c01'),
    opened('o2', 'ACC-2', 'c02'),
    opened('o3', 'ACC-3', 'c03'),
    opened('o4', 'ACC-4', 'c04'),
    opened('o5', 'ACC-6', 'c06'),
    won('o3', '2026-03-10T00:00:00Z'),
    won('o1', '2026-03-10T00:00:00Z'),
    won('o2', '2026-03-10T00:00:00Z'),
    won('o4', '2026-03-11T00:00:00Z'),
    won('o5', '2026-03-09T00:00:00Z'),
  ]);
  await seedEvents(handle.db, [['ob-o2', 'onboarding.started', '2026-03-12T00:00:00Z', { opportunityId: 'o2', accountId: 'ACC-2' }]]);
  await seedEvents(handle.db, [
    ['t-t2', 'ticket.opened', '2026-03-01T00:00:00Z', { ticketId: 't2', accountId: 'ACC-1', contactId: 'c01' }],
    ['t-t1', 'ticket.opened', '2026-03-01T00:00:00Z', { ticketId: 't1', accountId: 'ACC-1', contactId: 'c01' }],
    ['t-t3', 'ticket.opened', '2026-03-02T00:00:00Z', { ticketId: 't3', accountId: 'ACC-2' }],
    ['t-t4', 'ticket.opened', '2026-03-02T00:00:00Z', { ticketId: 't4', accountId: 'ACC-2' }],
    ['r-t4', 'ticket.resolved', '2026-03-02T05:00:00Z', { ticketId: 't4' }],
  ]);
});
afterAll(() => handle.close());

type Fetch<T> = (cursor: { after?: string; before?: string }) => Promise<Page<T>>;

/** Every page from the first, forward: the rows in order, and how many pages. */
async function forward<T>(fetch: Fetch<T>): Promise<{ rows: T[]; pages: number }> {
  const out: T[] = [];
  let page = await fetch({});
  expect(page.previous).toBeNull();
  let pages = 1;
  out.push(...page.items);
  while (page.next) {
    page = await fetch({ after: page.next });
    expect(page.previous).not.toBeNull();
    out.push(...page.items);
    pages += 1;
  }
  return { rows: out, pages };
}

/** From the last page back to the first, through `previous`. */
async function backward<T>(fetch: Fetch<T>): Promise<T[]> {
  let page = await fetch({});
  while (page.next) page = await fetch({ after: page.next });
  const out: T[][] = [page.items];
  while (page.previous) {
    page = await fetch({ before: page.previous });
    out.unshift(page.items);
  }
  return out.flat();
}

async function everyRowOnce<T>(fetch: Fetch<T>, id: (row: T) => string, expected: string[], pageSize: number) {
  const { rows, pages } = await forward(fetch);
  expect(rows.map(id)).toEqual(expected);
  expect(pages).toBe(Math.max(1, Math.ceil(expected.length / pageSize)));
  expect((await backward(fetch)).map(id)).toEqual(expected);
}

describe('keyset pages cover every row exactly once, ties ordered by id', () => {
  it('journeys of a stage, oldest or newest cohort date first', async () => {
    const fetch = (direction: 'asc' | 'desc'): Fetch<{ contactId: string }> => (c) => journeyList(handle.db, { range: march, stage: 'inquiry', direction, pageSize: 2, ...c });
    const all = ['c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07', 'c08'];
    await everyRowOnce(fetch('asc'), (j) => j.contactId, all, 2);
    await everyRowOnce(fetch('desc'), (j) => j.contactId, [...all].reverse(), 2);
    // Dropped off after inquiry (no qualification, no opportunity): c05 (disqualified), c07, c08.
    const dropped: Fetch<{ contactId: string }> = (c) => journeyList(handle.db, { range: march, stage: 'inquiry', list: 'dropped', pageSize: 1, ...c });
    await everyRowOnce(dropped, (j) => j.contactId, ['c05', 'c07', 'c08'], 1);
  });

  it('won deals, latest win first', async () => {
    const fetch: Fetch<{ opportunityId: string }> = (c) => wonDeals(handle.db, { range: march, pageSize: 2, ...c });
    await everyRowOnce(fetch, (d) => d.opportunityId, ['o4', 'o3', 'o2', 'o1', 'o5'], 2);
  });

  it('black holes, longest waiting first', async () => {
    const hole = (handoff: 'leadFollowUp' | 'onboardingStart' | 'ticketResolution'): Fetch<{ itemId: string }> => (c) =>
      blackHoleList(handle.db, { handoff, range: march, asOf, page: { pageSize: 2, ...c } });
    // Follow-up SLA 24 h: every lead but c02 (followed up) and c05 (disqualified).
    await everyRowOnce(hole('leadFollowUp'), (b) => b.itemId, ['c01', 'c03', 'c04', 'c06', 'c07', 'c08'], 2);
    // Onboarding SLA 7 days: every win but o2 (started).
    await everyRowOnce(hole('onboardingStart'), (b) => b.itemId, ['o5', 'o1', 'o3', 'o4'], 2);
    // Ticket SLA 48 h: the open ones.
    await everyRowOnce(hole('ticketResolution'), (b) => b.itemId, ['t1', 't2', 't3'], 2);
    const first = await blackHoleList(handle.db, { handoff: 'ticketResolution', range: march, asOf, page: { pageSize: 1 } });
    // Opened 03-01, due 03-03, judged 04-01: 29 days = 696 hours over.
    expect(first.items[0]).toMatchObject({ itemId: 't1', dueAt: '2026-03-03T00:00:00.000Z', hoursOverdue: 696, owner: 'ACC-1', contactName: 'Name c01' });
  });

  it('accounts by name (the id where there is none) or by first seen, each way', async () => {
    const byName = ['ACC-1', 'ACC-2', 'ACC-3', 'ACC-4', 'ACC-5', 'ACC-6', 'ACC-7', 'ACC-8'];
    // Names: "Same" x3 sorts after "ACC-..." ids: ACC-4..8, then ACC-1..3 (ties on "Same" by id).
    const expectedName = ['ACC-4', 'ACC-5', 'ACC-6', 'ACC-7', 'ACC-8', 'ACC-1', 'ACC-2', 'ACC-3'];
    const fetch = (sort: 'name' | 'firstSeen', direction: 'asc' | 'desc'): Fetch<{ accountId: string }> => (c) => accountList(handle.db, { sort, direction, pageSize: 3, ...c });
    await everyRowOnce(fetch('name', 'asc'), (a) => a.accountId, expectedName, 3);
    await everyRowOnce(fetch('name', 'desc'), (a) => a.accountId, [...expectedName].reverse(), 3);
    // First seen: their leads' times (ACC-1..3 on the 2nd, 4 and 5 on the 3rd, 6 on the 4th, 7 and 8 on the 5th).
    await everyRowOnce(fetch('firstSeen', 'asc'), (a) => a.accountId, byName, 3);
    await everyRowOnce(fetch('firstSeen', 'desc'), (a) => a.accountId, [...byName].reverse(), 3);
  });
});

describe('keyset pages stay put', () => {
  it('rows added before the cursor do not shift the next page; rows added after it appear in order', async () => {
    const first = await journeyList(handle.db, { range: { from: '2026-03-01', to: '2026-03-04' }, stage: 'inquiry', pageSize: 2 });
    expect(first.items.map((j) => j.contactId)).toEqual(['c01', 'c02']);
    await seedEvents(handle.db, [lead('c00', '2026-03-02T00:00:00Z', 'ACC-0', undefined), lead('c035', '2026-03-02T00:00:00Z', 'ACC-35', undefined)]);
    const second = await journeyList(handle.db, { range: { from: '2026-03-01', to: '2026-03-04' }, stage: 'inquiry', pageSize: 2, after: first.next! });
    // c00 sorts before the cursor (c01 was not shown twice, c00 is not slipped in); c035 after it.
    expect(second.items.map((j) => j.contactId)).toEqual(['c03', 'c035']);
  });
});

describe('rights and masking on every page', () => {
  it('masks contacts, money and keeps the rest, page after page', async () => {
    const executive = callerAs(handle.db, await createTestUser(handle.db, { role: 'executive' }));
    const journeys = await executive.funnel.journeys({ range: march, stage: 'conversion', pageSize: 1 });
    const next = await executive.funnel.journeys({ range: march, stage: 'conversion', pageSize: 1, after: journeys.next! });
    expect([...journeys.items, ...next.items].map((j) => [j.contactId, j.name, j.email])).toEqual([
      ['c01', masked, masked],
      ['c02', masked, masked],
    ]);
    const operations = callerAs(handle.db, await createTestUser(handle.db, { role: 'operations' }));
    const hole = await operations.handoffs.blackHole({ range: march, handoff: 'ticketResolution', asOf: asOf.toISOString(), pageSize: 2 });
    expect(hole.items.map((b) => [b.itemId, b.contactName, b.email])).toEqual([
      ['t1', masked, masked],
      ['t2', masked, masked],
    ]);
    const service = callerAs(handle.db, await createTestUser(handle.db, { role: 'service' }));
    const deals = await service.attribution.wonDeals({ range: march, pageSize: 2 });
    const more = await service.attribution.wonDeals({ range: march, pageSize: 2, after: deals.next! });
    expect([...deals.items, ...more.items].map((d) => d.amountCents)).toEqual([masked, masked, masked, masked]);
    const accounts = await service.accounts.list({ pageSize: 2 });
    expect(accounts.items.every((a) => a.lifetimeValueCents === masked)).toBe(true);
    await expect(callerAs(handle.db, null).handoffs.blackHole({ range: march, handoff: 'leadFollowUp', asOf: asOf.toISOString() })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

/** The queries a call sends, through the real database. */
function recording(db: Db): { db: Db; queries: SQL[] } {
  const queries: SQL[] = [];
  const spy = new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'execute')
        return (query: SQL) => {
          queries.push(query);
          return target.execute(query);
        };
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  return { db: spy, queries };
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Custom Plan Provider'?: string;
  Plans?: PlanNode[];
  /** on a Citus cluster: the plans its workers run, one task shown */
  'Distributed Query'?: { Job: { Tasks: { 'Remote Plan': { Plan: PlanNode }[][] }[] } };
}

/**
 * The plan's nodes, the workers' plans of a Citus query among them. On a cluster the coordinator
 * sorts what the shards send back: each shard's first page (its own index range scan with the
 * limit), not the whole set; that merge is not counted as a sort.
 */
function nodes(plan: PlanNode): PlanNode[] {
  const remote = (plan['Distributed Query']?.Job.Tasks ?? []).flatMap((t) => t['Remote Plan'].flat().map((r) => r.Plan));
  const children = [...(plan.Plans ?? []), ...remote];
  const shardMerge = plan['Node Type'] === 'Sort' && children.length === 1 && children[0]!['Custom Plan Provider']?.startsWith('Citus') === true;
  return [...(shardMerge ? [] : [plan]), ...children.flatMap(nodes)];
}

/** The index, or one shard's copy of it on a Citus worker (its name and the shard's number). */
const isIndex = (node: PlanNode, index: string) => node['Index Name'] !== undefined && new RegExp(`^${index}(_\\d+)?$`).test(node['Index Name']);

/** The plan of the page query, with seq scans and sorts priced out. */
async function planOf(call: (db: Db) => Promise<unknown>): Promise<PlanNode[]> {
  const { db, queries } = recording(handle.db);
  await call(db);
  // The page query is the last with a limit (the accounts list then reads its journeys' stages by key).
  const dialect = new PgDialect();
  const page = queries.filter((q) => /\blimit\b/i.test(dialect.sqlToQuery(q).sql)).at(-1)!;
  return handle.db.transaction(async (tx) => {
    // On a Citus cluster the workers plan the shards' parts: the settings go to them too.
    await tx.execute(sql`select set_config('citus.propagate_set_commands', 'local', true)`);
    await tx.execute(sql`set local enable_seqscan = off`);
    await tx.execute(sql`set local enable_sort = off`);
    const result: unknown = await tx.execute(sql`explain (format json) ${page}`);
    const [row] = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<string, unknown>[];
    const json = row!['QUERY PLAN'];
    const parsed = (typeof json === 'string' ? JSON.parse(json) : json) as { Plan: PlanNode }[];
    return nodes(parsed[0]!.Plan);
  });
}

describe('each page is an index range scan, never a sort of the whole set', () => {
  type Call = (db: Db, after?: string) => Promise<Page<unknown>>;
  const cases: [string, Call, string][] = [
    ['journeys by inquiry', (db, after) => journeyList(db, { range: march, stage: 'qualification', pageSize: 2, after }), 'leads_inquiry_idx'],
    ['journeys by awareness, newest first', (db, after) => journeyList(db, { range: march, stage: 'inquiry', cohortBy: 'awareness', direction: 'desc', pageSize: 2, after }), 'leads_awareness_idx'],
    ['won deals', (db, after) => wonDeals(db, { range: march, pageSize: 2, after }), 'opportunities_won_idx'],
    ['lead follow-up black hole', (db, after) => blackHoleList(db, { handoff: 'leadFollowUp', range: march, asOf, page: { pageSize: 2, after } }), 'leads_follow_up_open_idx'],
    ['onboarding black hole', (db, after) => blackHoleList(db, { handoff: 'onboardingStart', range: march, asOf, page: { pageSize: 2, after } }), 'opportunities_won_idx'],
    ['ticket black hole', (db, after) => blackHoleList(db, { handoff: 'ticketResolution', range: march, asOf, page: { pageSize: 2, after } }), 'tickets_open_idx'],
    ['accounts by name', (db, after) => accountList(db, { pageSize: 2, after }), 'accounts_name_idx'],
    ['accounts by first seen, newest first', (db, after) => accountList(db, { sort: 'firstSeen', direction: 'desc', pageSize: 2, after }), 'accounts_first_seen_idx'],
  ];
  for (const [name, call, index] of cases) {
    it(`${name}: ${index}`, async () => {
      const { next } = await call(handle.db);
      expect(next).not.toBeNull();
      // The first page, and a later one: there the cursor is part of the index condition.
      for (const plan of [await planOf((db) => call(db)), await planOf((db) => call(db, next!))]) {
        expect(plan.map((n) => n['Node Type'])).not.toContain('Sort');
        expect(plan.some((n) => isIndex(n, index))).toBe(true);
      }
    });
  }
});
