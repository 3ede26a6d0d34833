// The customers page's and KPI targets' rollups (docs/rollups.md), kept in the projector's
// transaction like the journey rollups. Everything here is per account: its items (churn,
// expansions, advocacy, renewal and expansion revenue, first win, lifetime value, the entries of
// net revenue retention) in customer_items, and the single filter values it matches in
// customer_slices. A chunk recomputes both for the accounts it may have changed; an account whose
// items or slices differ takes its old rows out of the rollups and puts its new ones in, in one
// grouped write per rollup.
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '~/server/db/client';
import { jsonParam, keyArray } from '~/server/db/params';
import { accountSegment } from '~/server/metrics/filters';

export const customerRollupTables = [
  'customer_items',
  'customer_slices',
  'customer_event_rollup',
  'customer_retention_rollup',
  'customer_cohort_rollup',
  'customer_values',
] as const;

/** A churn reason as a rollup key: '' when none was given, else '=' and the reason. */
export const churnReasonKey = (reason: string | null) => (reason === null ? '' : `=${reason}`);

const day = (at: string) => `(${at} at time zone 'UTC')::date`;
const quarterStart = (at: string) => `date_trunc('quarter', ${at} at time zone 'UTC') at time zone 'UTC'`;
const quarterEnd = (at: string) => `(date_trunc('quarter', ${at} at time zone 'UTC') + interval '3 months') at time zone 'UTC'`;

const itemColumns = [
  ['account_id', 'text'],
  ['family', 'text'],
  ['item_id', 'text'],
  ['reason', 'text'],
  ['at', 'timestamptz'],
  ['day', 'date'],
  ['prev_at', 'timestamptz'],
  ['next_at', 'timestamptz'],
  ['n', 'int'],
  ['flagged', 'int'],
  ['lost', 'int'],
  ['cents', 'bigint'],
  ['cents_b', 'bigint'],
  ['cents_c', 'bigint'],
  ['cents_d', 'bigint'],
] as const;
const itemNames = itemColumns.map(([name]) => name).join(', ');
const itemTypes = itemColumns.map(([name, type]) => `${name} ${type}`).join(', ');

/** The items of the accounts `where` selects over `accounts a`, in customer_items' columns. */
function itemRows(where: SQL): SQL {
  // The account's previous and next item of the same reason. Items at the same instant are taken
  // in the order of what they count (their cents), so two that differ are ordered the same way
  // whatever order their events arrived in; the item id (an event's pk, an arrival number) only
  // orders items that count the same, whose order changes no cell.
  const chain = (order = 'at, item_id') =>
    `lag(at) over (partition by account_id, reason order by ${order}) as prev_at, lead(at) over (partition by account_id, reason order by ${order}) as next_at`;
  return sql`
    with acc as (select a.account_id, a.churned_at, a.churn_reason from accounts a where ${where}),
    -- Recurring revenue (docs/metrics.md): won deals at their won time, expansions at theirs.
    rev as (
      select o.account_id, 'o:' || o.opportunity_id as item_id, o.won_at as at, o.amount_cents as cents
      from opportunities o join acc on acc.account_id = o.account_id
      where o.status = 'won' and o.amount_cents is not null and o.won_at is not null
      union all
      select e.account_id, 'e:' || e.event_pk, e.occurred_at, e.amount_cents
      from account_events e join acc on acc.account_id = e.account_id
      where e.kind = 'expanded' and e.amount_cents is not null
    ),
    fw as (
      select o.account_id, min(o.won_at) as first_won_at from opportunities o join acc on acc.account_id = o.account_id
      where o.status = 'won' and o.won_at is not null group by o.account_id
    ),
    firstpaid as (select account_id, min(at) as paid_at from rev where cents > 0 group by account_id),
    ltv as (
      select acc.account_id,
        coalesce((select sum(o.amount_cents) from opportunities o where o.account_id = acc.account_id and o.status = 'won'), 0) as won,
        coalesce((select sum(e.amount_cents) from account_events e where e.account_id = acc.account_id and e.kind = 'renewed'), 0) as renewal,
        coalesce((select sum(e.amount_cents) from account_events e where e.account_id = acc.account_id and e.kind = 'expanded'), 0) as expansion
      from acc
    ),
    origin as (
      select distinct on (ol.journey_account_id) ol.journey_account_id as account_id, ol.source, ol.campaign_id
      from leads ol where ol.journey_account_id in (select account_id from fw)
      order by ol.journey_account_id, coalesce(ol.inquiry_at, ol.awareness_at) nulls last, ol.contact_id
    ),
    added as (
      select e.account_id, 'e:' || e.event_pk as item_id, 'account expansion' as reason, e.occurred_at as at, e.amount_cents as cents
      from account_events e join acc on acc.account_id = e.account_id
      where e.kind = 'expanded' and e.amount_cents is not null and (acc.churned_at is null or acc.churned_at > e.occurred_at)
      union all
      select o.account_id, 'o:' || o.opportunity_id, 'won ' || replace(coalesce(o.deal_type, 'unknown'), '_', ' ') || ' deal', o.won_at, o.amount_cents
      from opportunities o join acc on acc.account_id = o.account_id join fw on fw.account_id = o.account_id
      where o.status = 'won' and o.amount_cents is not null and o.won_at > fw.first_won_at
        and (acc.churned_at is null or acc.churned_at > o.won_at)
    ),
    advocated as (
      select e.account_id, 'e:' || e.event_pk as item_id, coalesce(e.advocacy_kind, 'unknown') as reason, e.occurred_at as at
      from account_events e join acc on acc.account_id = e.account_id where e.kind = 'advocacy'
    )
    -- churn: the recurring revenue the account took with it
    select acc.account_id, 'churn' as family, '' as item_id,
      case when acc.churn_reason is null then '' else '=' || acc.churn_reason end as reason,
      acc.churned_at as at, ${sql.raw(day('acc.churned_at'))} as day, null::timestamptz as prev_at, null::timestamptz as next_at,
      1 as n, 0 as flagged, null::int as lost,
      coalesce((select sum(r.cents) from rev r where r.account_id = acc.account_id and r.at < acc.churned_at), 0)::bigint as cents,
      0::bigint as cents_b, 0::bigint as cents_c, 0::bigint as cents_d
    from acc where acc.churned_at is not null
    union all
    select account_id, 'expansion', item_id, reason, at, ${sql.raw(day('at'))}, ${sql.raw(chain('at, cents, item_id'))}, 1, 0, null, cents, 0, 0, 0 from added
    union all
    select account_id, 'advocacy', item_id, reason, at, ${sql.raw(day('at'))}, ${sql.raw(chain())}, 1, 0, null, 0, 0, 0, 0 from advocated
    union all
    select e.account_id, e.kind, 'e:' || e.event_pk, '', e.occurred_at, ${sql.raw(day('e.occurred_at'))}, null, null, 1, 0, null, coalesce(e.amount_cents, 0), 0, 0, 0
    from account_events e join acc on acc.account_id = e.account_id where e.kind in ('renewed', 'expanded')
    union all
    -- customers by origin: first win, churned (ever), lifetime value
    select fw.account_id, x.family, '', x.key, fw.first_won_at, ${sql.raw(day('fw.first_won_at'))}, null, null,
      1, (acc.churned_at is not null)::int, null, ltv.won + ltv.renewal + ltv.expansion, 0, 0, 0
    from fw join acc on acc.account_id = fw.account_id join ltv on ltv.account_id = fw.account_id
    left join origin on origin.account_id = fw.account_id
    cross join lateral (values ('value_source', coalesce(origin.source, '')), ('value_campaign', coalesce(origin.campaign_id, '')),
      ('value_segment', coalesce(${accountSegment(sql.raw('fw.account_id'))}, ''))) x(family, key)
    union all
    -- yearly cohorts: the first anniversary at which the account had churned
    select fw.account_id, 'cohort', '', '', fw.first_won_at, ${sql.raw(day('fw.first_won_at'))}, null, null, 1, 0,
      case when acc.churned_at is not null then (
        select min(k) from generate_series(0, extract(year from age(acc.churned_at, least(fw.first_won_at, acc.churned_at)))::int + 2) k
        where fw.first_won_at + make_interval(years => k) >= acc.churned_at) end,
      0, 0, 0, 0
    from fw join acc on acc.account_id = fw.account_id
    union all
    select ltv.account_id, 'ltv', '', '', null, '-infinity'::date, null, null, 0, 0, null, ltv.won, ltv.renewal, ltv.expansion, 0 from ltv
    union all
    -- net revenue retention: in the cohort of a quarter from the month after the first paid revenue
    -- until the month after churn (running sums), and within each quarter its movements
    select fp.account_id, 'retention', 'paid', '', fp.paid_at, ${sql.raw(day('fp.paid_at'))}, null, null, 1, 0, null, 0, 0, 0, 0 from firstpaid fp
    union all
    select fp.account_id, 'retention', 'left', '', null, greatest(${sql.raw(day('fp.paid_at'))}, ${sql.raw(day('acc.churned_at'))}), null, null, -1, 0, null, 0, 0, 0, 0
    from firstpaid fp join acc on acc.account_id = fp.account_id where acc.churned_at is not null
    union all
    select r.account_id, 'retention', 'in:' || r.item_id, '', r.at, ${sql.raw(day('r.at'))}, null, null, 0, 0, null, r.cents, 0, 0, 0 from rev r
    union all
    select r.account_id, 'retention', 'out:' || r.item_id, '', null, greatest(${sql.raw(day('r.at'))}, ${sql.raw(day('acc.churned_at'))}), null, null, 0, 0, null, -r.cents, 0, 0, 0
    from rev r join acc on acc.account_id = r.account_id where acc.churned_at is not null
    union all
    select r.account_id, 'retention', 'q:' || r.item_id, '', r.at, ${sql.raw(day('r.at'))}, null, null, 0, 0, null, 0, r.cents, 0, 0
    from rev r join acc on acc.account_id = r.account_id join firstpaid fp on fp.account_id = r.account_id
    where fp.paid_at < ${sql.raw(quarterStart('r.at'))} and (acc.churned_at is null or acc.churned_at >= ${sql.raw(quarterStart('r.at'))})
    union all
    select acc.account_id, 'retention', 'churned', '', acc.churned_at, ${sql.raw(day('acc.churned_at'))}, null, null, 0, 0, null, 0, 0,
      coalesce((select sum(r.cents) from rev r where r.account_id = acc.account_id and r.at < ${sql.raw(quarterEnd('acc.churned_at'))}), 0),
      coalesce((select sum(r.cents) from rev r where r.account_id = acc.account_id and r.at < ${sql.raw(quarterStart('acc.churned_at'))}), 0)
    from acc join firstpaid fp on fp.account_id = acc.account_id
    where acc.churned_at is not null and fp.paid_at < ${sql.raw(quarterStart('acc.churned_at'))}`;
}

/** The slices (dimension, value) of the accounts `where` selects over `accounts a`. */
function sliceRows(where: SQL): SQL {
  return sql`
    with acc as (select a.account_id from accounts a where ${where})
    select account_id, 'all' as dimension, '' as value from acc
    union all
    select account_id, 'segment', s from (select acc.account_id, ${accountSegment(sql.raw('acc.account_id'))} as s from acc) x where s is not null
    union all
    select distinct l.journey_account_id, x.dimension, x.value
    from leads l join acc on acc.account_id = l.journey_account_id
    cross join lateral (values ('source', l.source), ('campaign', l.campaign_id), ('deal_type', l.deal_type)) x(dimension, value)
    where x.value is not null`;
}

type WriteMode = 'fill' | 'delta';

/**
 * Adds signed item rows `i` (with sign) under the slices `s` (with sign) of their account to every
 * customer rollup; items and slices pair on account and sign.
 */
async function addToRollups(tx: Db, items: SQL, slices: SQL, mode: WriteMode): Promise<void> {
  // Cells whose sums are all zero are never written: an item can count nothing under a rollup
  // (no accounts, no cents), and a fill must leave the same cells as live deltas do.
  const grouped = (keys: number, sums: string[]) =>
    sql.raw(`group by ${range(keys)} having ${sums.map((s) => `${s} <> 0`).join(' or ')}${mode === 'fill' ? ` order by ${range(keys)}` : ''}`);
  const joined = sql`(${items}) i join (${slices}) s on s.account_id = i.account_id and s.sign = i.sign`;
  await tx.execute(sql`
    with x as materialized (
      select i.sign, i.family, s.dimension, s.value, i.reason, i.day,
        coalesce(${sql.raw(day('i.prev_at'))}, '-infinity'::date) as since, i.n, i.flagged, i.cents
      from ${joined}
      where i.family in ('churn', 'expansion', 'advocacy', 'renewed', 'expanded', 'value_source', 'value_campaign', 'value_segment')
    )
    insert into customer_event_rollup (kind, dimension, value, grain, bucket, reason, since, items, flagged, cents)
    select family, dimension, value, grain, bucket, reason, since, sum(sign * n), sum(sign * flagged), sum(sign * cents) from (
      select x.*, 'day'::text as grain, x.day as bucket from x
      union all select x.*, 'month'::text, date_trunc('month', x.day::timestamp)::date from x
    ) y ${grouped(7, ['sum(sign * n)', 'sum(sign * flagged)', 'sum(sign * cents)'])}
    on conflict (kind, dimension, value, grain, bucket, reason, since) do update set
      items = customer_event_rollup.items + excluded.items, flagged = customer_event_rollup.flagged + excluded.flagged,
      cents = customer_event_rollup.cents + excluded.cents`);
  const retention = ['sum(i.sign * i.n)', 'sum(i.sign * i.cents)', 'sum(i.sign * i.cents_b)', 'sum(i.sign * i.cents_c)', 'sum(i.sign * i.cents_d)'];
  await tx.execute(sql`
    insert into customer_retention_rollup (dimension, value, bucket, accounts, starting_cents, expansion_cents, churned_cents, churned_starting_cents)
    select s.dimension, s.value, date_trunc('month', i.day::timestamp)::date, ${sql.raw(retention.join(', '))}
    from ${joined} where i.family = 'retention'
    ${grouped(3, retention)}
    on conflict (dimension, value, bucket) do update set
      accounts = customer_retention_rollup.accounts + excluded.accounts,
      starting_cents = customer_retention_rollup.starting_cents + excluded.starting_cents,
      expansion_cents = customer_retention_rollup.expansion_cents + excluded.expansion_cents,
      churned_cents = customer_retention_rollup.churned_cents + excluded.churned_cents,
      churned_starting_cents = customer_retention_rollup.churned_starting_cents + excluded.churned_starting_cents`);
  await tx.execute(sql`
    with x as materialized (
      select i.sign, s.dimension, s.value, extract(year from i.day)::smallint as cohort, coalesce(i.lost, -1)::smallint as lost,
        make_date(2000, extract(month from i.day)::int, extract(day from i.day)::int) as anniversary
      from ${joined} where i.family = 'cohort'
    )
    insert into customer_cohort_rollup (dimension, value, grain, bucket, cohort, lost, customers)
    select dimension, value, grain, bucket, cohort, lost, sum(sign) from (
      select x.*, 'day'::text as grain, x.anniversary as bucket from x
      union all select x.*, 'month'::text, date_trunc('month', x.anniversary::timestamp)::date from x
    ) y ${grouped(6, ['sum(sign)'])}
    on conflict (dimension, value, grain, bucket, cohort, lost) do update set customers = customer_cohort_rollup.customers + excluded.customers`);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1).join(', ');

async function dropEmptyCells(tx: Db): Promise<void> {
  await tx.execute(sql`delete from customer_event_rollup where items = 0 and flagged = 0 and cents = 0`);
  await tx.execute(sql`delete from customer_retention_rollup where accounts = 0 and starting_cents = 0 and expansion_cents = 0
    and churned_cents = 0 and churned_starting_cents = 0`);
  await tx.execute(sql`delete from customer_cohort_rollup where customers = 0`);
}

/** The lifetime-value list rows of these accounts (all when null), from their stored items and slices. */
async function writeValues(tx: Db, accountIds: string[] | null): Promise<void> {
  const only = accountIds === null ? sql`true` : sql`i.account_id = any(${keyArray(accountIds)})`;
  if (accountIds !== null) await tx.execute(sql`delete from customer_values where account_id = any(${keyArray(accountIds)})`);
  await tx.execute(sql`
    insert into customer_values (dimension, value, account_id, won_cents, renewal_cents, expansion_cents, lifetime_value_cents)
    select s.dimension, s.value, i.account_id, i.cents, i.cents_b, i.cents_c, i.cents + i.cents_b + i.cents_c
    from customer_items i join customer_slices s on s.account_id = i.account_id
    where i.family = 'ltv' and ${only}
    ${accountIds === null ? sql`order by 1, 2, 7 desc, 3` : sql``}`);
}

/** Fills the customer rollups whole (after the journeys' rollup columns are current). */
export async function fillCustomerRollups(tx: Db): Promise<void> {
  await tx.execute(sql`insert into customer_items (${sql.raw(itemNames)}) select ${sql.raw(itemNames)} from (${itemRows(sql`true`)}) x`);
  await tx.execute(sql`insert into customer_slices (account_id, dimension, value) select * from (${sliceRows(sql`true`)}) x order by 1, 2, 3`);
  await addToRollups(
    tx,
    sql`select 1 as sign, * from customer_items`,
    sql`select 1 as sign, * from customer_slices`,
    'fill',
  );
  await writeValues(tx, null);
}

/** Each account's items and slices as JSON text (compared as text: the same facts give the same text). */
async function readAccounts(tx: Db, items: SQL, slices: SQL): Promise<Map<string, { items: string; slices: string }>> {
  const [byItems, bySlices] = await Promise.all([
    rows<{ account_id: string; rows: string }>(
      tx,
      sql`select i.account_id, jsonb_agg(to_jsonb(i) order by i.family, i.item_id)::text as rows from (${items}) i group by i.account_id`,
    ),
    rows<{ account_id: string; rows: string }>(
      tx,
      sql`select s.account_id, jsonb_agg(to_jsonb(s) order by s.dimension, s.value)::text as rows from (${slices}) s group by s.account_id`,
    ),
  ]);
  const out = new Map<string, { items: string; slices: string }>();
  for (const r of byItems) out.set(r.account_id, { items: r.rows, slices: '[]' });
  for (const r of bySlices) out.set(r.account_id, { items: out.get(r.account_id)?.items ?? '[]', slices: r.rows });
  return out;
}

/**
 * Recomputes the items and slices of these accounts; every account whose rows differ from the
 * stored ones takes them out of the customer rollups and puts the new ones in.
 */
export async function putInCustomers(tx: Db, accountIds: Set<string>): Promise<void> {
  if (accountIds.size === 0) return;
  const ids = [...accountIds];
  const keys = keyArray(ids);
  const [stored, current] = await Promise.all([
    readAccounts(tx, sql`select ${sql.raw(itemNames)} from customer_items where account_id = any(${keys})`,
      sql`select account_id, dimension, value from customer_slices where account_id = any(${keys})`),
    readAccounts(tx, sql`select ${sql.raw(itemNames)} from (${itemRows(sql`a.account_id = any(${keys})`)}) x`,
      sql`select account_id, dimension, value from (${sliceRows(sql`a.account_id = any(${keys})`)}) x`),
  ]);
  const signedItems: unknown[] = [];
  const signedSlices: unknown[] = [];
  const changed: string[] = [];
  for (const id of ids) {
    const was = stored.get(id) ?? { items: '[]', slices: '[]' };
    const is = current.get(id) ?? { items: '[]', slices: '[]' };
    if (was.items === is.items && was.slices === is.slices) continue;
    changed.push(id);
    for (const [state, sign] of [[was, -1], [is, 1]] as const) {
      for (const item of JSON.parse(state.items) as Record<string, unknown>[]) signedItems.push({ ...item, sign });
      for (const slice of JSON.parse(state.slices) as Record<string, unknown>[]) signedSlices.push({ ...slice, sign });
    }
  }
  if (changed.length === 0) return;
  await addToRollups(
    tx,
    sql`select * from jsonb_to_recordset(${jsonParam(signedItems)}) as r(sign int, ${sql.raw(itemTypes)})`,
    sql`select * from jsonb_to_recordset(${jsonParam(signedSlices)}) as r(sign int, account_id text, dimension text, value text)`,
    'delta',
  );
  await dropEmptyCells(tx);
  const changedKeys = keyArray(changed);
  await tx.execute(sql`delete from customer_items where account_id = any(${changedKeys})`);
  await tx.execute(sql`delete from customer_slices where account_id = any(${changedKeys})`);
  const newItems = signedItems.filter((r) => (r as { sign: number }).sign === 1);
  const newSlices = signedSlices.filter((r) => (r as { sign: number }).sign === 1);
  if (newItems.length > 0)
    await tx.execute(sql`insert into customer_items (${sql.raw(itemNames)})
      select ${sql.raw(itemNames)} from jsonb_to_recordset(${jsonParam(newItems)}) as r(${sql.raw(itemTypes)})`);
  if (newSlices.length > 0)
    await tx.execute(sql`insert into customer_slices (account_id, dimension, value)
      select account_id, dimension, value from jsonb_to_recordset(${jsonParam(newSlices)}) as r(account_id text, dimension text, value text)`);
  await writeValues(tx, changed);
}
