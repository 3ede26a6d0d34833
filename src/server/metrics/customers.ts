// Customer value: each account's lifetime value (won + renewal + expansion revenue, churned or
// not), and net revenue retention by quarter over the accounts' recurring revenue. The figures
// come from the customer rollups (docs/rollups.md, src/server/projector/customerRollups.ts): the
// cells of a single filter (or none), each account's stored items for partial days and for
// several filters at once.
import { isoText } from '~/server/db/time';
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '~/server/db/client';
import { jsonParam } from '~/server/db/params';
import { singleSlice, type Slice } from './durations';
import { toDate, type DateRange, type MetricFilters } from './filters';
import { cellsWhere, edgesWhere, splitRange, withoutParallelWorkers } from './rollupRange';

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

export interface CustomerValueRow {
  account_id: string;
  name: string | null;
  won: number | string;
  renewal: number | string;
  expansion: number | string;
  churned_at: string | null;
}

const isoUtc = (column: string) => isoText(sql.raw(column));

/** LTV parts of one account row `a` (alias of accounts), as float8 cents. */
export const lifetimeValueColumns = sql`
  coalesce((select sum(o.amount_cents) from opportunities o where o.account_id = a.account_id and o.status = 'won'), 0)::float8 as won,
  coalesce((select sum(e.amount_cents) from account_events e where e.account_id = a.account_id and e.kind = 'renewed'), 0)::float8 as renewal,
  coalesce((select sum(e.amount_cents) from account_events e where e.account_id = a.account_id and e.kind = 'expanded'), 0)::float8 as expansion`;

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
  /** (starting - starting revenue of the cohort accounts that churned) / starting: expansion left out */
  grossRetention: number | null;
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

// ---------------------------------------------------------------- the customers page

export interface ChurnReason {
  /** as sent with account.churned; null when none was given */
  reason: string | null;
  accounts: number;
  /** the accounts' recurring revenue just before they churned */
  churnedCents: number;
}

export interface ExpansionReason {
  /** 'account expansion' (account.expanded), or 'won <deal type> deal' of an existing customer */
  reason: string;
  /** expansions or deals */
  items: number;
  accounts: number;
  expansionCents: number;
}

export interface AdvocacyKind {
  kind: string;
  events: number;
  accounts: number;
}

export type ValueDimension = 'source' | 'campaign' | 'segment';

export interface ValueGroup {
  /** source, campaign id or segment of the account's original journey; null when it has none */
  key: string | null;
  /** the campaign's name (campaign groups) */
  name: string | null;
  customers: number;
  churned: number;
  /** customers not churned / customers */
  retainedShare: number | null;
  lifetimeValueCents: number;
  averageLifetimeValueCents: number | null;
}

export interface CohortPoint {
  /** years since each customer's first won deal */
  years: number;
  /** customers whose anniversary has passed (the rest are too young to tell) */
  observed: number;
  /** of those, customers not churned by that anniversary */
  retained: number;
  retainedShare: number | null;
}

export interface YearCohort {
  /** the calendar year (UTC) of the first won deal */
  cohort: number;
  customers: number;
  points: CohortPoint[];
}

export interface CustomerReport {
  churnedByReason: ChurnReason[];
  expansionByReason: ExpansionReason[];
  advocacyByKind: AdvocacyKind[];
  valueBy: Record<ValueDimension, ValueGroup[]>;
  cohorts: YearCohort[];
}

const num = (value: number | string | null | undefined) => Number(value ?? 0);
const share = (part: number, whole: number) => (whole === 0 ? null : part / whole);

/** The accounts the filters select, as the single slice they name or the intersection of several. */
interface AccountSet {
  slice: Slice | null;
  /** `column` (an account id) is in the set */
  has: (column: SQL) => SQL;
}

function accountSet(filters: MetricFilters = {}): AccountSet {
  const slice = singleSlice(filters);
  const parts: [string, string][] = [];
  if (filters.source !== undefined) parts.push(['source', filters.source]);
  if (filters.campaign !== undefined) parts.push(['campaign', filters.campaign]);
  if (filters.segment !== undefined) parts.push(['segment', filters.segment]);
  if (filters.dealType !== undefined) parts.push(['deal_type', filters.dealType]);
  if (parts.length === 0) parts.push(['all', '']);
  const selects = parts.map(([d, v]) => sql`select cs.account_id from customer_slices cs where cs.dimension = ${d} and cs.value = ${v}`);
  return { slice, has: (column) => sql`${column} in (${sql.join(selects, sql` intersect `)})` };
}

const sliceBase = (slice: Slice) => sql`dimension = ${slice.dimension} and value = ${slice.value ?? ''}`;
const iso = (ms: number) => new Date(ms).toISOString();
const DAY_MS = 86_400_000;

interface EventGroup {
  reason: string;
  items: number;
  accounts: number;
  flagged: number;
  cents: number;
}

/**
 * Items of one kind in the range, grouped by reason: cells for the whole days of a single slice,
 * stored items elsewhere. `accounts` counts each account once per reason: an item counts it when
 * the account's previous item of that reason came before the range.
 */
function eventGroups(kind: string, range: DateRange, set: AccountSet): SQL {
  const from = toDate(range.from).getTime();
  const to = toDate(range.to).getTime();
  const fromIso = iso(from);
  const items = (where: SQL) => sql`
    select i.reason, 1 as items, i.flagged, i.cents, (i.prev_at is null or i.prev_at < ${fromIso}::timestamptz)::int as accounts
    from customer_items i where i.family = ${kind} and ${set.has(sql.raw('i.account_id'))} and ${where}`;
  if (set.slice === null) {
    return sql`select reason, sum(items)::float8 as items, sum(accounts)::float8 as accounts, sum(flagged)::float8 as flagged, sum(cents)::float8 as cents
      from (${items(sql`i.at >= ${fromIso}::timestamptz and i.at < ${iso(to)}::timestamptz`)}) x group by reason`;
  }
  const split = splitRange(range);
  const base = sql`kind = ${kind} and ${sliceBase(set.slice)}`;
  const dayOfFrom = new Date(Math.floor(from / DAY_MS) * DAY_MS);
  const parts: SQL[] = [
    sql`select reason, items, flagged, cents, case when since < ${dayOfFrom.toISOString().slice(0, 10)}::date then items else 0 end as accounts
      from customer_event_rollup where ${cellsWhere(base, split)}`,
    items(edgesWhere(split, sql.raw('i.at'))),
  ];
  // Whole-day items whose previous one is on the range's first, partial day before it starts.
  if (split.dayFrom !== null && split.dayTo !== null && dayOfFrom.getTime() < from) {
    parts.push(sql`select i.reason, 0, 0, 0, 1 from customer_items i
      where i.family = ${kind} and ${set.has(sql.raw('i.account_id'))}
        and i.at >= ${dayOfFrom.toISOString()}::timestamptz and i.at < ${fromIso}::timestamptz
        and i.next_at >= ${split.dayFrom}::date::timestamp at time zone 'UTC' and i.next_at < ${split.dayTo}::date::timestamp at time zone 'UTC'`);
  }
  return sql`select reason, sum(items)::float8 as items, sum(accounts)::float8 as accounts, sum(flagged)::float8 as flagged, sum(cents)::float8 as cents
    from (${sql.join(parts, sql` union all `)}) x group by reason having sum(items) <> 0 or sum(accounts) <> 0`;
}

/** Sums of one kind of item over the range (renewal and expansion revenue): items and cents. */
export async function customerEventTotal(db: Db, kind: 'renewed' | 'expanded', input: { range: DateRange; filters?: MetricFilters }): Promise<{ items: number; cents: number }> {
  const found = await rows<EventGroup>(db, sql`select coalesce(sum(items), 0)::float8 as items, coalesce(sum(cents), 0)::float8 as cents
    from (${eventGroups(kind, input.range, accountSet(input.filters))}) g`);
  return { items: num(found[0]?.items), cents: num(found[0]?.cents) };
}

/** Accounts that churned in the range by reason, with the recurring revenue they took with them. */
export async function churnByReason(db: Db, input: { range: DateRange; filters?: MetricFilters }): Promise<ChurnReason[]> {
  const found = await rows<{ reason: string | null; accounts: number | string; cents: number | string }>(
    db,
    sql`select case when reason = '' then null else substr(reason, 2) end as reason, items::int as accounts, cents
    from (${eventGroups('churn', input.range, accountSet(input.filters))}) g
    order by cents desc, accounts desc, 1 nulls last`,
  );
  return found.map((r) => ({ reason: r.reason, accounts: num(r.accounts), churnedCents: num(r.cents) }));
}

/**
 * Revenue added in the range by accounts that were already customers: account.expanded events,
 * and won deals of accounts with an earlier won deal, by deal type. Nothing after an account's churn.
 */
export async function expansionByReason(db: Db, input: { range: DateRange; filters?: MetricFilters }): Promise<ExpansionReason[]> {
  const found = await rows<{ reason: string; items: number | string; accounts: number | string; cents: number | string }>(
    db,
    sql`select reason, items, accounts, cents from (${eventGroups('expansion', input.range, accountSet(input.filters))}) g
    order by cents desc, reason`,
  );
  return found.map((r) => ({ reason: r.reason, items: num(r.items), accounts: num(r.accounts), expansionCents: num(r.cents) }));
}

/** account.advocacy events in the range by kind (referral, review, case study). */
export async function advocacyByKind(db: Db, input: { range: DateRange; filters?: MetricFilters }): Promise<AdvocacyKind[]> {
  const found = await rows<{ kind: string; events: number | string; accounts: number | string }>(
    db,
    sql`select reason as kind, items as events, accounts from (${eventGroups('advocacy', input.range, accountSet(input.filters))}) g
    order by events desc, kind`,
  );
  return found.map((r) => ({ kind: r.kind, events: num(r.events), accounts: num(r.accounts) }));
}

/**
 * Customers whose first won deal falls in the range, grouped by the source, the campaign and the
 * segment of the account's original journey (its earliest, by inquiry else awareness): how many,
 * how many churned since, and their lifetime value (all time).
 */
export async function valueByOrigin(db: Db, input: { range: DateRange; filters?: MetricFilters }): Promise<Record<ValueDimension, ValueGroup[]>> {
  const set = accountSet(input.filters);
  const dimensions: [ValueDimension, string][] = [['source', 'value_source'], ['campaign', 'value_campaign'], ['segment', 'value_segment']];
  const found = await rows<{ dimension: ValueDimension; key: string | null; name: string | null; customers: number | string; churned: number | string; ltv: number | string }>(
    db,
    sql`select g.dimension, nullif(g.reason, '') as key, cp.name, g.items as customers, g.flagged as churned, g.cents as ltv
    from (${sql.join(
      dimensions.map(([dimension, kind]) => sql`select ${dimension}::text as dimension, x.* from (${eventGroups(kind, input.range, set)}) x`),
      sql` union all `,
    )}) g
    left join campaigns cp on g.dimension = 'campaign' and cp.campaign_id = g.reason`,
  );
  const out: Record<ValueDimension, ValueGroup[]> = { source: [], campaign: [], segment: [] };
  for (const r of found) {
    const customers = num(r.customers);
    if (customers === 0) continue;
    const ltv = num(r.ltv);
    const churned = num(r.churned);
    out[r.dimension].push({
      key: r.key,
      name: r.dimension === 'campaign' ? (r.name ?? r.key) : null,
      customers,
      churned,
      retainedShare: share(customers - churned, customers),
      lifetimeValueCents: ltv,
      averageLifetimeValueCents: ltv / customers,
    });
  }
  for (const groups of Object.values(out))
    groups.sort((a, b) => b.lifetimeValueCents - a.lifetimeValueCents || b.customers - a.customers || String(a.key).localeCompare(String(b.key)));
  return out;
}

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/**
 * Customers by the year of their first won deal, and the share still customers 1, 2, ... years
 * later, counted among those whose anniversary is before `now` (year 0 is the whole cohort).
 * Cells by anniversary (day and month of the first win): those before now's day in the year are
 * observed this year, those after are not; customers whose anniversary is now's day are read one by one.
 */
export async function yearlyCohorts(db: Db, input: { filters?: MetricFilters; now: Date }): Promise<YearCohort[]> {
  const set = accountSet(input.filters);
  const now = input.now.toISOString();
  const year = input.now.getUTCFullYear();
  const month = input.now.getUTCMonth() + 1;
  const dayOfMonth = input.now.getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  const today = `2000-${pad(month)}-${pad(dayOfMonth)}`;
  // A first win on 29 February has its anniversary on the 28th in other years.
  const edgeDays = [today, ...(!isLeap(year) && today === '2000-02-28' ? ['2000-02-29'] : [])];
  const monthStart = `2000-${pad(month)}-01`;
  type Cell = { cohort: number; lost: number; bucket: string; customers: number | string; edge: boolean };
  let cells: Cell[];
  let edgeItems: { cohort: number; lost: number; started: boolean; observed: boolean }[];
  const edgeWhere = sql`(${sql.join(edgeDays.map((d) => sql`to_char(i.day, 'MM-DD') = ${d.slice(5)}`), sql` or `)})`;
  const edgeSelect = (where: SQL) => sql`select extract(year from i.day)::int as cohort, coalesce(i.lost, -1) as lost, i.at < ${now}::timestamptz as started,
      i.at + make_interval(years => ${year} - extract(year from i.day)::int) <= ${now}::timestamptz as observed
    from customer_items i where i.family = 'cohort' and ${set.has(sql.raw('i.account_id'))} and ${where}`;
  const [minimum] = await rows<{ span: number | null }>(
    db,
    sql`select greatest(0, extract(year from age(${now}::timestamptz, min(i.at))))::int as span
    from (select i.at from customer_items i where i.family = 'cohort' and ${set.has(sql.raw('i.account_id'))} and i.at < ${now}::timestamptz
      order by i.at limit 1) i`,
  );
  if (set.slice !== null) {
    const base = sliceBase(set.slice);
    cells = await rows<Cell>(
      db,
      sql`select cohort, lost, bucket::text as bucket, customers, bucket = any(${`{${edgeDays.join(',')}}`}::date[]) as edge
      from customer_cohort_rollup where ${base} and cohort <= ${year}
        and ((grain = 'month' and bucket <> ${monthStart}::date) or (grain = 'day' and bucket >= ${monthStart}::date and bucket < ${monthStart}::date + interval '1 month'))`,
    );
    // Edge anniversaries, year by year (the items' day index).
    const cohortYears = [...new Set(cells.filter((c) => c.edge).map((c) => c.cohort))];
    const dates = cohortYears.flatMap((y) =>
      edgeDays.map((d) => `${y}-${d.slice(5)}`).filter((d) => d.slice(5) !== '02-29' || isLeap(Number(d.slice(0, 4)))),
    );
    edgeItems = dates.length === 0 ? [] : await rows(db, edgeSelect(sql`i.day = any(${`{${dates.join(',')}}`}::date[])`));
  } else {
    // Several filters: the accounts' items one by one, as cells of one customer each.
    cells = await rows<Cell>(
      db,
      sql`select extract(year from i.day)::int as cohort, coalesce(i.lost, -1) as lost,
        make_date(2000, extract(month from i.day)::int, extract(day from i.day)::int)::text as bucket, 1 as customers, ${edgeWhere} as edge
      from customer_items i where i.family = 'cohort' and ${set.has(sql.raw('i.account_id'))} and extract(year from i.day) <= ${year}`,
    );
    edgeItems = await rows(db, edgeSelect(edgeWhere));
  }
  const span = minimum?.span ?? null;
  if (span === null) return [];
  const cohorts = new Map<number, { customers: number; observed: number[]; retained: number[] }>();
  const add = (cohort: number, lost: number, count: number, started: boolean, observedThisYear: boolean) => {
    if (!started || count === 0) return;
    let c = cohorts.get(cohort);
    if (!c) {
      c = { customers: 0, observed: new Array<number>(span + 1).fill(0), retained: new Array<number>(span + 1).fill(0) };
      cohorts.set(cohort, c);
    }
    c.customers += count;
    for (let k = 0; k <= span; k++) {
      const observed = cohort + k < year || (cohort + k === year && observedThisYear);
      if (!observed) continue;
      c.observed[k]! += count;
      if (lost === -1 || lost > k) c.retained[k]! += count;
    }
  };
  for (const cell of cells) {
    if (cell.edge) continue;
    const before = cell.bucket.slice(0, 10) < today;
    add(Number(cell.cohort), Number(cell.lost), num(cell.customers), Number(cell.cohort) < year || before, before);
  }
  for (const item of edgeItems) add(Number(item.cohort), Number(item.lost), 1, item.started, item.observed);
  return [...cohorts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([cohort, c]) => ({
      cohort,
      customers: c.customers,
      points: c.observed.flatMap((observed, years) =>
        observed > 0 ? [{ years, observed, retained: c.retained[years]!, retainedShare: share(c.retained[years]!, observed) }] : [],
      ),
    }));
}

/** Everything the customers page shows besides the quarters. */
export async function customerReport(db: Db, input: { range: DateRange; filters?: MetricFilters; now: Date }): Promise<CustomerReport> {
  return withoutParallelWorkers(db, async (tx) => ({
    churnedByReason: await churnByReason(tx, input),
    expansionByReason: await expansionByReason(tx, input),
    advocacyByKind: await advocacyByKind(tx, input),
    valueBy: await valueByOrigin(tx, input),
    cohorts: await yearlyCohorts(tx, input),
  }));
}

/**
 * Lifetime value of accounts, highest first: the named accounts, or all accounts matching the
 * filters (segment applies to the account; source, campaign, deal type to any of its journeys),
 * a page of the list kept per single filter.
 */
export async function customerValues(
  db: Db,
  input: { accountIds?: string[]; filters?: MetricFilters; limit?: number; offset?: number },
): Promise<CustomerValue[]> {
  const limit = input.limit ?? 100;
  const offset = input.offset ?? 0;
  const select = sql`select v.account_id, a.name, ${isoUtc('a.churned_at')} as churned_at,
    v.won_cents::float8 as won, v.renewal_cents::float8 as renewal, v.expansion_cents::float8 as expansion
    from customer_values v join accounts a on a.account_id = v.account_id`;
  const order = sql`order by v.lifetime_value_cents desc nulls last, v.account_id limit ${limit} offset ${offset}`;
  if (input.accountIds) {
    const found = await rows<CustomerValueRow>(
      db,
      sql`${select} where v.dimension = 'all' and v.account_id in (select jsonb_array_elements_text(${jsonParam(input.accountIds)})) ${order}`,
    );
    return found.map(toCustomerValue);
  }
  const set = accountSet(input.filters);
  const where = set.slice !== null ? sliceBase(set.slice) : sql`v.dimension = 'all' and ${set.has(sql.raw('v.account_id'))}`;
  const found = await rows<CustomerValueRow>(db, sql`${select} where ${where} ${order}`);
  return found.map(toCustomerValue);
}

/**
 * Net revenue retention per quarter (definition in docs/metrics.md). An account's recurring
 * revenue at an instant is the sum of its won deals and expansions before it, or 0 once it has
 * churned; renewals continue that revenue and so add to LTV but not to it. The cohort of a
 * quarter is the accounts with recurring revenue at its start: the running sums of the retention
 * rollup's months before it; its movements are the quarter's months.
 */
export async function netRevenueRetention(db: Db, input: { range: DateRange; filters?: MetricFilters }): Promise<QuarterRetention[]> {
  const quarters = quartersOverlapping(input.range);
  if (quarters.length === 0) return [];
  const set = accountSet(input.filters);
  const last = quarters[quarters.length - 1]!.end.toISOString().slice(0, 10);
  const months =
    set.slice !== null
      ? sql`select bucket, accounts, starting_cents, expansion_cents, churned_cents, churned_starting_cents
        from customer_retention_rollup where ${sliceBase(set.slice)} and bucket < ${last}::date`
      : sql`select date_trunc('month', i.day::timestamp)::date as bucket, i.n as accounts, i.cents as starting_cents,
          i.cents_b as expansion_cents, i.cents_c as churned_cents, i.cents_d as churned_starting_cents
        from customer_items i where i.family = 'retention' and ${set.has(sql.raw('i.account_id'))} and i.day < ${last}::date`;
  const found = await rows<{ quarter: string; accounts: number | string; starting: number | string; expansion: number | string; churned: number | string; churned_starting: number | string }>(
    db,
    sql`with q as (
      select * from jsonb_to_recordset(${jsonParam(
        quarters.map((x) => ({ quarter: x.quarter, qs: x.start.toISOString().slice(0, 10), qe: x.end.toISOString().slice(0, 10) })),
      )}) as q(quarter text, qs date, qe date)
    ), m as (${months})
    select q.quarter,
      coalesce(sum(m.accounts) filter (where m.bucket < q.qs), 0)::float8 as accounts,
      coalesce(sum(m.starting_cents) filter (where m.bucket < q.qs), 0)::float8 as starting,
      coalesce(sum(m.expansion_cents) filter (where m.bucket >= q.qs), 0)::float8 as expansion,
      coalesce(sum(m.churned_cents) filter (where m.bucket >= q.qs), 0)::float8 as churned,
      coalesce(sum(m.churned_starting_cents) filter (where m.bucket >= q.qs), 0)::float8 as churned_starting
    from q left join m on m.bucket < q.qe
    group by q.quarter`,
  );
  const byQuarter = new Map(found.map((r) => [r.quarter, r]));
  return quarters.map((x) => {
    const r = byQuarter.get(x.quarter);
    const startingCents = num(r?.starting);
    const expansionCents = num(r?.expansion);
    const churnedCents = num(r?.churned);
    const endingCents = startingCents + expansionCents - churnedCents;
    const churnedStartingCents = num(r?.churned_starting);
    return {
      quarter: x.quarter,
      start: x.start.toISOString(),
      end: x.end.toISOString(),
      accounts: num(r?.accounts),
      startingCents,
      expansionCents,
      churnedCents,
      endingCents,
      netRevenueRetention: startingCents === 0 ? null : endingCents / startingCents,
      grossRetention: startingCents === 0 ? null : (startingCents - churnedStartingCents) / startingCents,
    };
  });
}
