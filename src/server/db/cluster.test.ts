// Statement shapes a Citus cluster runs differently, checked on every database. A transaction that
// writes a shared (reference) table and shards of the journey group and then reads them together,
// as the projector's chunk, a rebuild and an erasure do: on a cluster it runs only over one
// connection per worker (`oneConnectionPerWorker`). A shared table outer-joined with journeys and
// filtered by its account's journeys: on a cluster the filter must see every shard.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountFilters } from '~/server/metrics/filters';
import { rows, sql, type Db, type DbHandle } from './client';
import { hasCitus, oneConnectionPerWorker } from './distribution';
import { createTestDb } from './testing';

let handle: DbHandle;
let citus = false;

beforeAll(async () => {
  handle = await createTestDb();
  citus = handle.kind === 'postgres' && (await hasCitus(handle.db));
});
afterAll(() => handle.close());

/** 40 journeys, a won deal of 100 for each even one; then each journey's won revenue from the deals. */
async function writeThenReadTogether(tx: Db): Promise<{ contact_id: string; won_revenue_cents: string | number }[]> {
  // On a cluster: as many connections per worker as there are shards on it, from the first task.
  await tx.execute(sql`select set_config('citus.executor_slow_start_interval', '0', true)`);
  await tx.execute(sql`
    insert into leads (contact_id, source, stage, inquiry_at)
    select 'c' || g, 'direct', 1, timestamptz '2026-01-01' from generate_series(1, 40) g`);
  await tx.execute(sql`
    insert into opportunities (opportunity_id, contact_id, status, amount_cents)
    select 'o' || g, 'c' || g, 'won', 100 from generate_series(2, 40, 2) g`);
  await tx.execute(sql`
    update leads t set won_revenue_cents = x.won
    from (
      select l.contact_id, coalesce((select sum(o.amount_cents) from opportunities o where o.contact_id = l.contact_id and o.status = 'won'), 0) as won
      from leads l
    ) x
    where t.contact_id = x.contact_id`);
  return rows(tx, sql`select contact_id, won_revenue_cents from leads where contact_id in ('c1', 'c2', 'c39', 'c40') order by contact_id`);
}

class Rollback extends Error {}

/** Runs `body` in a transaction that is rolled back, and returns what it returned. */
async function rolledBack<T>(body: (tx: Db) => Promise<T>): Promise<T> {
  let result: T | undefined;
  await handle.db
    .transaction(async (tx) => {
      result = await body(tx);
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return result!;
}

describe('writing shared tables and shards, then reading them together, in one transaction', () => {
  it('runs with one connection per worker', async () => {
    const found = await rolledBack(async (tx) => {
      await oneConnectionPerWorker(tx);
      return writeThenReadTogether(tx);
    });
    expect(found.map((r) => [r.contact_id, Number(r.won_revenue_cents)])).toEqual([
      ['c1', 0],
      ['c2', 100],
      ['c39', 0],
      ['c40', 100],
    ]);
  });

  it('is refused on a Citus cluster with several connections per worker', async ({ skip }) => {
    if (!citus) skip();
    const error = await rolledBack(writeThenReadTogether).then(
      () => null,
      (thrown: unknown) => thrown as { cause?: unknown },
    );
    expect(String(error?.cause)).toMatch(/modified over multiple connections/);
  });
});

describe("a shared table outer-joined with journeys, filtered by its account's journeys", () => {
  it("finds the account's journeys on every shard", async () => {
    // 40 journeys of accounts a0..a4 (journey n in account n mod 5); only k1..k5 came from paid
    // search, one per account. 20 tickets, ticket n of account n mod 5, opened by contact n + 10.
    // Committed, as a report finds them (inside the writing transaction Citus plans otherwise).
    await handle.db.execute(sql`
      insert into leads (contact_id, source, stage, journey_account_id, name)
      select 'k' || g, case when g <= 5 then 'paid_search' else 'organic' end, 1, 'a' || (g % 5), 'Name ' || g
      from generate_series(1, 40) g`);
    await handle.db.execute(sql`
      insert into tickets (ticket_id, account_id, contact_id, opened_at)
      select 't' || g, 'a' || (g % 5), 'k' || (g + 10), timestamptz '2026-01-01' from generate_series(1, 20) g`);
    try {
      // The handoffs report's shape: the items with their contact's name, then counted.
      const found = await rows<{ tickets: number }>(
        handle.db,
        sql`with items as (
            select t.ticket_id, cl.name as contact_name
            from tickets t left join leads cl on cl.contact_id = t.contact_id
            where ${accountFilters({ source: 'paid_search' }, sql.raw('t.account_id'))}
          )
          select count(*)::int as tickets from items`,
      );
      // Every account has a paid-search journey, so every ticket matches.
      expect(found).toEqual([{ tickets: 20 }]);
    } finally {
      await handle.db.execute(sql`delete from tickets where ticket_id like 't%'`);
      await handle.db.execute(sql`delete from leads where contact_id like 'k%'`);
    }
  });
});

describe('a shared table outer-joined with journeys by contact, filtered on its own columns', () => {
  it("finds each row's journey once, and keeps the rows without one", async () => {
    // The rollups' deal rows (opportunities o left join leads l on l.contact_id = o.contact_id):
    // 20 journeys m1..m20, source s<n mod 3>; 24 won deals: deal d<n> of contact m<n> for n <= 20,
    // d21 and d22 of contacts without a journey, d23 and d24 without a contact; and 6 lost deals
    // of the same contacts m1..m6, which the filter leaves out.
    await handle.db.execute(sql`
      insert into leads (contact_id, source, stage, inquiry_at)
      select 'm' || g, 's' || (g % 3), 1, timestamptz '2026-01-01' from generate_series(1, 20) g`);
    await handle.db.execute(sql`
      insert into opportunities (opportunity_id, contact_id, status, amount_cents)
      select 'd' || g, case when g <= 22 then 'm' || g end, 'won', 100 from generate_series(1, 24) g
      union all select 'x' || g, 'm' || g, 'lost', 1 from generate_series(1, 6) g`);
    try {
      const found = await rows<{ source: string; deals: number }>(
        handle.db,
        sql`select coalesce(l.source, '') as source, count(*)::int as deals
          from opportunities o left join leads l on l.contact_id = o.contact_id
          where o.status = 'won' and o.opportunity_id like 'd%'
          group by 1 order by 1`,
      );
      // n mod 3 over 1..20: s0 6 (3, 6, .., 18), s1 7 (1, 4, .., 19), s2 7 (2, 5, .., 20); 4 without.
      expect(found).toEqual([
        { source: '', deals: 4 },
        { source: 's0', deals: 6 },
        { source: 's1', deals: 7 },
        { source: 's2', deals: 7 },
      ]);
    } finally {
      await handle.db.execute(sql`delete from opportunities where opportunity_id like 'd%' or opportunity_id like 'x%'`);
      await handle.db.execute(sql`delete from leads where contact_id like 'm%'`);
    }
  });
});
