// Customer value: each account's lifetime value (won + renewal + expansion revenue, churned or
// not), and net revenue retention by quarter over the accounts' recurring revenue.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '~/server/db/client';
import { jsonParam } from '~/server/db/params';
import { accountFilters, toDate, type DateRange, type MetricFilters } from './filters';

export interface CustomerValue {
  accountId: string;
  name: string | null;
  wonCents: number;
  renewalCents: number;
  expansionCents: number;
  /** won + renewal + expansion */
  lifetimeValueCents: number;
  churned: boolean;
  churnedAt: string | null;
}

interface CustomerValueRow {
  account_id: string;
  name: string | null;
  won: number | string;
  renewal: number | string;
  expansion: number | string;
  churned_at: string | null;
}

const isoUtc = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`);

/** LTV parts of one account row `a` (alias of accounts), as float8 cents. */
export const lifetimeValueColumns = sql`
  coalesce((select sum(o.amount_cents) from opportunities o where o.account_id = a.account_id and o.status = 'won'), 0)::float8 as won,
  coalesce((select sum(e.amount_cents) from account_events e where e.account_id = a.account_id and e.kind = 'renewed'), 0)::float8 as renewal,
  coalesce((select sum(e.amount_cents) from account_events e where e.account_id = a.account_id and e.kind = 'expanded'), 0)::float8 as expansion`;

/**
 * Lifetime value of accounts, highest first: the named accounts, or all accounts matching the
 * filters (segment applies to the account; source, campaign, deal type to any of its journeys).
 */
export async function customerValues(
  db: Db,
  input: { accountIds?: string[]; filters?: MetricFilters; limit?: number; offset?: number },
): Promise<CustomerValue[]> {
  const page = sql`order by (won + renewal + expansion) desc, account_id limit ${input.limit ?? 100} offset ${input.offset ?? 0}`;
  if (input.accountIds) {
    const found = await rows<CustomerValueRow>(
      db,
      sql`select * from (
        select a.account_id, a.name, ${isoUtc('a.churned_at')} as churned_at, ${lifetimeValueColumns}
        from accounts a where a.account_id in (select jsonb_array_elements_text(${jsonParam(input.accountIds)}))
      ) v ${page}`,
    );
    return found.map(toCustomerValue);
  }
  // Every account: aggregate each fact table once instead of probing it per account.
  const found = await rows<CustomerValueRow>(
    db,
    sql`with won as (
      select account_id, sum(amount_cents) as cents from opportunities
      where status = 'won' and account_id is not null group by account_id
    ),
    later as (
      select account_id,
        sum(amount_cents) filter (where kind = 'renewed') as renewal,
        sum(amount_cents) filter (where kind = 'expanded') as expansion
      from account_events where kind in ('renewed', 'expanded') group by account_id
    )
    select * from (
      select a.account_id, a.name, ${isoUtc('a.churned_at')} as churned_at,
        coalesce(w.cents, 0)::float8 as won, coalesce(x.renewal, 0)::float8 as renewal, coalesce(x.expansion, 0)::float8 as expansion
      from accounts a
      left join won w on w.account_id = a.account_id
      left join later x on x.account_id = a.account_id
      where ${accountFilters(input.filters ?? {}, sql.raw('a.account_id'))}
    ) v ${page}`,
  );
  return found.map(toCustomerValue);
}

export function toCustomerValue(row: CustomerValueRow): CustomerValue {
  const won = Number(row.won);
  const renewal = Number(row.renewal);
  const expansion = Number(row.expansion);
  return {
    accountId: row.account_id,
    name: row.name,
    wonCents: won,
    renewalCents: renewal,
    expansionCents: expansion,
    lifetimeValueCents: won + renewal + expansion,
    churned: row.churned_at !== null,
    churnedAt: row.churned_at,
  };
}

export interface QuarterRetention {
  /** e.g. 2026-Q1 */
  quarter: string;
  start: string;
  end: string;
  /** accounts in the cohort: recurring revenue at quarter start */
  accounts: number;
  startingCents: number;
  /** expansions and new won deals of cohort accounts within the quarter */
  expansionCents: number;
  /** recurring revenue of cohort accounts that churned within the quarter */
  churnedCents: number;
  /** starting + expansion - churned */
  endingCents: number;
  /** ending / starting; null when nothing was recurring at quarter start */
  netRevenueRetention: number | null;
}

export interface Quarter {
  quarter: string;
  start: Date;
  end: Date;
}

/** The calendar quarters (UTC) that overlap [from, to). */
export function quartersOverlapping(range: DateRange): Quarter[] {
  const from = toDate(range.from);
  const to = toDate(range.to);
  const quarters: Quarter[] = [];
  let year = from.getUTCFullYear();
  let q = Math.floor(from.getUTCMonth() / 3);
  for (;;) {
    const start = new Date(Date.UTC(year, q * 3, 1));
    if (start.getTime() >= to.getTime()) break;
    const end = new Date(Date.UTC(year, q * 3 + 3, 1));
    quarters.push({ quarter: `${year}-Q${q + 1}`, start, end });
    q += 1;
    if (q === 4) {
      q = 0;
      year += 1;
    }
  }
  return quarters;
}

/**
 * Net revenue retention per quarter (definition in docs/metrics.md). An account's recurring
 * revenue at an instant is the sum of its won deals and expansions before it, or 0 once it has
 * churned; renewals continue that revenue and so add to LTV but not to it. The cohort of a
 * quarter is the accounts with recurring revenue at its start.
 */
export async function netRevenueRetention(
  db: Db,
  input: { range: DateRange; filters?: MetricFilters },
): Promise<QuarterRetention[]> {
  const quarters = quartersOverlapping(input.range);
  if (quarters.length === 0) return [];
  const found = await rows<{
    quarter: string;
    accounts: number;
    starting: number | string;
    expansion: number | string;
    churned: number | string;
  }>(
    db,
    sql`
    with q as (
      select * from jsonb_to_recordset(${jsonParam(
        quarters.map((x) => ({ quarter: x.quarter, qs: x.start.toISOString(), qe: x.end.toISOString() })),
      )}) as q(quarter text, qs timestamptz, qe timestamptz)
    ),
    rev as (
      select o.account_id, o.won_at as at, o.amount_cents as cents
      from opportunities o where o.status = 'won' and o.account_id is not null and o.amount_cents is not null
      union all
      select e.account_id, e.occurred_at, e.amount_cents
      from account_events e where e.kind = 'expanded' and e.amount_cents is not null
    ),
    per as (
      select q.quarter, q.qs, q.qe, r.account_id,
        coalesce(sum(r.cents) filter (where r.at < q.qs), 0) as start_cents,
        coalesce(sum(r.cents) filter (where r.at >= q.qs), 0) as expansion_cents
      from q join rev r on r.at < q.qe
      group by q.quarter, q.qs, q.qe, r.account_id
    ),
    cohort as (
      select p.*, (a.churned_at is not null and a.churned_at < p.qe) as churned
      from per p join accounts a on a.account_id = p.account_id
      where p.start_cents > 0 and (a.churned_at is null or a.churned_at >= p.qs)
        and ${accountFilters(input.filters ?? {}, sql.raw('p.account_id'))}
    )
    select q.quarter,
      count(c.account_id)::int as accounts,
      coalesce(sum(c.start_cents), 0)::float8 as starting,
      coalesce(sum(c.expansion_cents), 0)::float8 as expansion,
      coalesce(sum(c.start_cents + c.expansion_cents) filter (where c.churned), 0)::float8 as churned
    from q left join cohort c on c.quarter = q.quarter
    group by q.quarter`,
  );
  const byQuarter = new Map(found.map((r) => [r.quarter, r]));
  return quarters.map((x) => {
    const r = byQuarter.get(x.quarter);
    const startingCents = Number(r?.starting ?? 0);
    const expansionCents = Number(r?.expansion ?? 0);
    const churnedCents = Number(r?.churned ?? 0);
    const endingCents = startingCents + expansionCents - churnedCents;
    return {
      quarter: x.quarter,
      start: x.start.toISOString(),
      end: x.end.toISOString(),
      accounts: Number(r?.accounts ?? 0),
      startingCents,
      expansionCents,
      churnedCents,
      endingCents,
      netRevenueRetention: startingCents === 0 ? null : endingCents / startingCents,
    };
  });
}
