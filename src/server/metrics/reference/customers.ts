// Reference implementation of the customers procedures, account by account: what they computed
// before the rollups (docs/rollups.md). Tests and the query benchmark compare the rollups with it;
// the app never calls it.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '~/server/db/client';
import { jsonParam } from '~/server/db/params';
import { accountFilters, accountSegment, inRange, isoText, type DateRange, type MetricFilters } from '../filters';
import {
  lifetimeValueColumns,
  quartersOverlapping,
  toCustomerValue,
  type AdvocacyKind,
  type ChurnReason,
  type CustomerReport,
  type CustomerValue,
  type CustomerValueRow,
  type ExpansionReason,
  type QuarterRetention,
  type ValueDimension,
  type ValueGroup,
  type YearCohort,
} from '../customers';

const isoUtc = (column: string) => isoText(sql.raw(column));
const num = (value: number | string | null | undefined) => Number(value ?? 0);
const share = (part: number, whole: number) => (whole === 0 ? null : part / whole);

export async function customerValuesReference(
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

export async function netRevenueRetentionReference(
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
    churned_starting: number | string;
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
      coalesce(sum(c.start_cents + c.expansion_cents) filter (where c.churned), 0)::float8 as churned,
      coalesce(sum(c.start_cents) filter (where c.churned), 0)::float8 as churned_starting
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
    const churnedStartingCents = Number(r?.churned_starting ?? 0);
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
      grossRetention: startingCents === 0 ? null : (startingCents - churnedStartingCents) / startingCents,
    };
  });
}

/** Revenue that counts as recurring (docs/metrics.md): won deals at their won time, expansions at theirs. */
const recurringRevenue = sql`
  select o.account_id, o.won_at as at, o.amount_cents as cents
  from opportunities o where o.status = 'won' and o.account_id is not null and o.amount_cents is not null and o.won_at is not null
  union all
  select e.account_id, e.occurred_at, e.amount_cents
  from account_events e where e.kind = 'expanded' and e.amount_cents is not null`;

/** Accounts that became customers: their first won deal. */
const firstWins = sql`
  select o.account_id, min(o.won_at) as first_won_at from opportunities o
  where o.status = 'won' and o.account_id is not null and o.won_at is not null group by o.account_id`;

/** Accounts that churned in the range by reason, with the recurring revenue they took with them. */
export async function churnByReasonReference(db: Db, input: { range: DateRange; filters?: MetricFilters }): Promise<ChurnReason[]> {
  const found = await rows<{ reason: string | null; accounts: number; cents: number | string }>(
    db,
    sql`with rev as (${recurringRevenue})
    select c.churn_reason as reason, count(*)::int as accounts,
      coalesce(sum((select sum(r.cents) from rev r where r.account_id = c.account_id and r.at < c.churned_at)), 0)::float8 as cents
    from accounts c
    where c.churned_at is not null and ${inRange(sql.raw('c.churned_at'), input.range)}
      and ${accountFilters(input.filters ?? {}, sql.raw('c.account_id'))}
    group by c.churn_reason
    order by cents desc, accounts desc, reason nulls last`,
  );
  return found.map((r) => ({ reason: r.reason, accounts: r.accounts, churnedCents: num(r.cents) }));
}

/**
 * Revenue added in the range by accounts that were already customers: account.expanded events,
 * and won deals of accounts with an earlier won deal, by deal type. Nothing after an account's churn.
 */
export async function expansionByReasonReference(db: Db, input: { range: DateRange; filters?: MetricFilters }): Promise<ExpansionReason[]> {
  const found = await rows<{ reason: string; items: number; accounts: number; cents: number | string }>(
    db,
    sql`with added as (
      select 'account expansion' as reason, e.account_id, e.amount_cents as cents, e.occurred_at as at
      from account_events e
      where e.kind = 'expanded' and e.amount_cents is not null and ${inRange(sql.raw('e.occurred_at'), input.range)}
      union all
      select 'won ' || replace(coalesce(o.deal_type, 'unknown'), '_', ' ') || ' deal', o.account_id, o.amount_cents, o.won_at
      from opportunities o
      where o.status = 'won' and o.account_id is not null and o.amount_cents is not null and ${inRange(sql.raw('o.won_at'), input.range)}
        and exists (select 1 from opportunities p where p.account_id = o.account_id and p.status = 'won' and p.won_at < o.won_at)
    )
    select x.reason, count(*)::int as items, count(distinct x.account_id)::int as accounts, sum(x.cents)::float8 as cents
    from added x join accounts c on c.account_id = x.account_id
    where (c.churned_at is null or c.churned_at > x.at) and ${accountFilters(input.filters ?? {}, sql.raw('x.account_id'))}
    group by x.reason
    order by cents desc, x.reason`,
  );
  return found.map((r) => ({ reason: r.reason, items: r.items, accounts: r.accounts, expansionCents: num(r.cents) }));
}

/** account.advocacy events in the range by kind (referral, review, case study). */
export async function advocacyByKindReference(db: Db, input: { range: DateRange; filters?: MetricFilters }): Promise<AdvocacyKind[]> {
  return rows<AdvocacyKind>(
    db,
    sql`select coalesce(e.advocacy_kind, 'unknown') as kind, count(*)::int as events, count(distinct e.account_id)::int as accounts
    from account_events e
    where e.kind = 'advocacy' and ${inRange(sql.raw('e.occurred_at'), input.range)}
      and ${accountFilters(input.filters ?? {}, sql.raw('e.account_id'))}
    group by 1 order by events desc, kind`,
  );
}

/**
 * Customers whose first won deal falls in the range, grouped by the source, the campaign and the
 * segment of the account's original journey (its earliest, by inquiry else awareness): how many,
 * how many churned since, and their lifetime value (all time).
 */
export async function valueByOriginReference(db: Db, input: { range: DateRange; filters?: MetricFilters }): Promise<Record<ValueDimension, ValueGroup[]>> {
  const found = await rows<{
    dimension: ValueDimension;
    key: string | null;
    name: string | null;
    customers: number;
    churned: number;
    ltv: number | string;
  }>(
    db,
    sql`with fw as (${firstWins}),
    won as (
      select account_id, sum(amount_cents) as cents from opportunities
      where status = 'won' and account_id is not null group by account_id
    ),
    later as (
      select account_id, sum(amount_cents) as cents from account_events
      where kind in ('renewed', 'expanded') group by account_id
    ),
    -- Each customer's original journey, found for the customers won in the range at once (not
    -- per customer: a cluster refuses a per-row subquery over the journeys' shards).
    origin as (
      select distinct on (ol.journey_account_id) ol.journey_account_id as account_id, ol.source, ol.campaign_id
      from leads ol
      where ol.journey_account_id in (select fw.account_id from fw where ${inRange(sql.raw('fw.first_won_at'), input.range)})
      order by ol.journey_account_id, coalesce(ol.inquiry_at, ol.awareness_at) nulls last, ol.contact_id
    ),
    cust as (
      select fw.account_id, c.churned_at is not null as churned,
        coalesce(w.cents, 0) + coalesce(x.cents, 0) as ltv,
        origin.source, origin.campaign_id,
        ${accountSegment(sql.raw('fw.account_id'))} as segment
      from fw
      join accounts c on c.account_id = fw.account_id
      left join won w on w.account_id = fw.account_id
      left join later x on x.account_id = fw.account_id
      left join origin on origin.account_id = fw.account_id
      where ${inRange(sql.raw('fw.first_won_at'), input.range)} and ${accountFilters(input.filters ?? {}, sql.raw('fw.account_id'))}
    )
    select case when grouping(cust.source) = 0 then 'source' when grouping(cust.campaign_id) = 0 then 'campaign' else 'segment' end as dimension,
      coalesce(cust.source, cust.campaign_id, cust.segment) as key,
      max(cp.name) as name,
      count(*)::int as customers,
      count(*) filter (where cust.churned)::int as churned,
      coalesce(sum(cust.ltv), 0)::float8 as ltv
    from cust left join campaigns cp on cp.campaign_id = cust.campaign_id
    group by grouping sets ((cust.source), (cust.campaign_id), (cust.segment))`,
  );
  const out: Record<ValueDimension, ValueGroup[]> = { source: [], campaign: [], segment: [] };
  for (const r of found) {
    const ltv = num(r.ltv);
    out[r.dimension].push({
      key: r.key,
      name: r.dimension === 'campaign' ? (r.name ?? r.key) : null,
      customers: r.customers,
      churned: r.churned,
      retainedShare: share(r.customers - r.churned, r.customers),
      lifetimeValueCents: ltv,
      averageLifetimeValueCents: r.customers === 0 ? null : ltv / r.customers,
    });
  }
  for (const groups of Object.values(out))
    groups.sort((a, b) => b.lifetimeValueCents - a.lifetimeValueCents || b.customers - a.customers || String(a.key).localeCompare(String(b.key)));
  return out;
}

/**
 * Customers by the year of their first won deal, and the share still customers 1, 2, ... years
 * later, counted among those whose anniversary is before `now` (year 0 is the whole cohort).
 */
export async function yearlyCohortsReference(db: Db, input: { filters?: MetricFilters; now: Date }): Promise<YearCohort[]> {
  const now = input.now.toISOString();
  const found = await rows<{ cohort: number; years: number; customers: number; observed: number; retained: number }>(
    db,
    sql`with fw as (${firstWins}),
    cust as (
      select fw.account_id, fw.first_won_at, c.churned_at
      from fw join accounts c on c.account_id = fw.account_id
      where fw.first_won_at < ${now}::timestamptz and ${accountFilters(input.filters ?? {}, sql.raw('fw.account_id'))}
    ),
    span as (
      select greatest(0, extract(year from age(${now}::timestamptz, min(first_won_at)))::int) as years from cust
    ),
    marks as (
      select extract(year from cust.first_won_at at time zone 'UTC')::int as cohort, y.k as years,
        cust.first_won_at + make_interval(years => y.k) as mark, cust.churned_at
      from cust cross join span cross join lateral generate_series(0, span.years) as y(k)
    )
    select cohort, years,
      count(*)::int as customers,
      count(*) filter (where mark <= ${now}::timestamptz)::int as observed,
      count(*) filter (where mark <= ${now}::timestamptz and (churned_at is null or churned_at > mark))::int as retained
    from marks group by cohort, years order by cohort, years`,
  );
  const cohorts = new Map<number, YearCohort>();
  for (const r of found) {
    let cohort = cohorts.get(r.cohort);
    if (!cohort) {
      cohort = { cohort: r.cohort, customers: r.customers, points: [] };
      cohorts.set(r.cohort, cohort);
    }
    if (r.observed > 0) cohort.points.push({ years: r.years, observed: r.observed, retained: r.retained, retainedShare: share(r.retained, r.observed) });
  }
  return [...cohorts.values()];
}

/** Everything the customers page shows besides the quarters. */
export async function customerReportReference(db: Db, input: { range: DateRange; filters?: MetricFilters; now: Date }): Promise<CustomerReport> {
  const [churnedByReason, expansion, advocacy, valueBy, cohorts] = await Promise.all([
    churnByReasonReference(db, input),
    expansionByReasonReference(db, input),
    advocacyByKindReference(db, input),
    valueByOriginReference(db, input),
    yearlyCohortsReference(db, input),
  ]);
  return { churnedByReason, expansionByReason: expansion, advocacyByKind: advocacy, valueBy, cohorts };
}
