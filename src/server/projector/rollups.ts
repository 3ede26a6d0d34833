// The rollups the report pages read, kept in the projector's transaction. A chunk takes the old
// contribution of the journeys it touches out and puts their new one in (set-wise); a bulk load
// (seed, rebuild) skips that and fills every rollup once at its end, with one GROUP BY each.
// Each rollup has one `...Contributions` query: the rows one set of journeys adds. Filling,
// deltas and the reports' partial days all use it, so they cannot disagree.
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '~/server/db/client';
import { hasCitus } from '~/server/db/distribution';
import { jsonParam, keyArray } from '~/server/db/params';
import { attributionModels } from '~/server/metrics/attributionWeights';
import { accountSegment, journeyDealType, journeySegment } from '~/server/metrics/filters';
import { customerRollupTables, fillCustomerRollups } from './customerRollups';
import { fillHandoffRollups, handoffRollupTables } from './handoffRollups';

export const rollupTables = [
  'journey_cohort_rollup',
  'journey_duration_rollup',
  'journey_duration_slot_rollup',
  'journey_duration_hour_rollup',
  'spend_rollup',
  'attribution_contributions',
  'attribution_rollup',
  ...handoffRollupTables,
  ...customerRollupTables,
] as const;

export type RollupMode = 'current' | 'deferred' | 'refill';

/** Histogram measures: 0-5 velocity from stage k to k+1; then these. */
export const MEASURE_INQUIRY_TO_CONVERSION = 6;
export const MEASURE_FOLLOW_UP = 7;

/** Whole minutes from a to b (seconds dropped); null when either is null. */
const minutes = (a: string, b: string) => `floor(extract(epoch from (l.${b} - l.${a})) / 60)::int`;

/** The coarse slot of a duration in minutes: a day each below 60 days, then a week each. */
export const slotSql = (m: string) => `(case when ${m} < 86400 then ${m} / 1440 else 60 + (${m} - 86400) / 10080 end)::smallint`;

/**
 * Where journey rows come from: `leads l` itself (each row counts once), or rows of `leads` as they
 * were or are, each with a sign (-1 takes a journey's old contribution out, 1 puts its new one in).
 */
export interface JourneyRows {
  from: SQL;
  sign: SQL;
}
const leadsRows: JourneyRows = { from: sql`leads l`, sign: sql`1` };

/** Cohort rows of the journeys `where` selects over `l` (`leads l` unless `rows` says otherwise): one per cohort the journey is in. */
export function cohortContributions(where: SQL, rows: JourneyRows = leadsRows): SQL {
  return sql`
    select ${rows.sign} as sign, c.cohort, (c.at at time zone 'UTC')::date as day, l.source, coalesce(l.campaign_id, '') as campaign_id,
      coalesce(l.segment, '') as segment, coalesce(l.deal_type, '') as deal_type,
      coalesce(l.disqualified_reason, '') as disqualified_reason, c.at,
      1 as journeys, (l.awareness_at is not null)::int as awareness, (l.inquiry_at is not null)::int as inquiry,
      (l.qualification_at is not null)::int as qualification, (l.conversion_at is not null)::int as conversion,
      (l.retention_at is not null)::int as retention, (l.expansion_at is not null)::int as expansion,
      (l.advocacy_at is not null)::int as advocacy, (l.disqualified_at is not null)::int as disqualified,
      (l.first_follow_up_at is not null)::int as followed_up,
      (l.first_follow_up_at is null and l.disqualified_at is not null)::int as closed_unfollowed,
      l.won_revenue_cents
    from ${rows.from}
    cross join lateral (values ('inquiry', l.inquiry_at), ('awareness', l.awareness_at)) c(cohort, at)
    where c.at is not null and ${where}`;
}

/** Duration rows (one per journey, cohort and measure it has) of the journeys `where` selects. */
export function durationContributions(where: SQL, rows: JourneyRows = leadsRows): SQL {
  return sql`
    select ${rows.sign} as sign, c.cohort, (c.at at time zone 'UTC')::date as day, l.source, coalesce(l.campaign_id, '') as campaign_id,
      coalesce(l.segment, '') as segment, coalesce(l.deal_type, '') as deal_type, c.at, d.measure, d.minutes
    from ${rows.from}
    cross join lateral (values ('inquiry', l.inquiry_at), ('awareness', l.awareness_at)) c(cohort, at)
    cross join lateral (values
      (0::smallint, ${sql.raw(minutes('awareness_at', 'inquiry_at'))}),
      (1::smallint, ${sql.raw(minutes('inquiry_at', 'qualification_at'))}),
      (2::smallint, ${sql.raw(minutes('qualification_at', 'conversion_at'))}),
      (3::smallint, ${sql.raw(minutes('conversion_at', 'retention_at'))}),
      (4::smallint, ${sql.raw(minutes('retention_at', 'expansion_at'))}),
      (5::smallint, ${sql.raw(minutes('expansion_at', 'advocacy_at'))}),
      (${MEASURE_INQUIRY_TO_CONVERSION}::smallint, case when c.cohort = 'inquiry' then ${sql.raw(minutes('inquiry_at', 'conversion_at'))} end),
      (${MEASURE_FOLLOW_UP}::smallint, case when c.cohort = 'inquiry' and l.first_follow_up_at is not null then greatest(${sql.raw(minutes('inquiry_at', 'first_follow_up_at'))}, 0) end)
    ) d(measure, minutes)
    where c.at is not null and d.minutes is not null and ${where}`;
}

const cohortMeasures = [
  'journeys', 'awareness', 'inquiry', 'qualification', 'conversion', 'retention', 'expansion', 'advocacy',
  'disqualified', 'followed_up', 'closed_unfollowed', 'won_revenue_cents',
] as const;
const cohortKeys = ['cohort', 'grain', 'bucket', 'source', 'campaign_id', 'segment', 'deal_type', 'disqualified_reason'];
const durationKeys = ['cohort', 'measure', 'minutes', 'day', 'source', 'campaign_id', 'segment', 'deal_type'];
const slotKeys = ['cohort', 'measure', 'dimension', 'value', 'grain', 'bucket', 'slot'];
const hourKeys = ['cohort', 'measure', 'dimension', 'value', 'slot', 'bucket', 'hour'];
/** The single dimensions of the slot and hour rollups: the column each reads, '' for 'all'. */
const singleDimensions = [
  ['all', "''"],
  ['source', 'source'],
  ['campaign', 'campaign_id'],
  ['segment', 'segment'],
  ['deal_type', 'deal_type'],
] as const;

// date_trunc of a timestamp, not of a date (that one goes through timestamptz and is only stable):
// Citus pushes a VALUES list down to the shards only when its functions are immutable.
const grains = sql.raw(
  `cross join lateral (values ('day', c.day), ('month', date_trunc('month', c.day::timestamp)::date)) g(grain, bucket)`,
);
const list = (names: readonly string[]) => sql.raw(names.join(', '));
const byPosition = (n: number) => sql.raw(Array.from({ length: n }, (_, i) => i + 1).join(', '));

/**
 * How a statement's grouped rows are written. 'fill': into empty tables, in key order (the cells
 * a report reads together sit on few pages); 'delta': only the cells whose sums are not zero (a
 * journey whose contribution did not change writes nothing), added to what is there.
 */
type WriteMode = 'fill' | 'delta';

/**
 * Adds the contributions of the journey rows `rows` and `where` select (each with its sign) to
 * every journey rollup. Cells left at zero journeys are deleted afterwards by `dropEmptyCells`.
 */
async function addJourneys(tx: Db, where: SQL, rows: JourneyRows, mode: WriteMode): Promise<void> {
  const upsert = (table: string, keys: string[], measures: readonly string[], select: SQL) => sql`
    insert into ${sql.raw(table)} (${list(keys)}, ${list(measures)})
    ${select}
    on conflict (${list(keys)}) do update set ${sql.raw(measures.map((m) => `${m} = ${table}.${m} + excluded.${m}`).join(', '))}`;
  const grouped = (keys: number, sums: string[]) =>
    mode === 'fill'
      ? sql`group by ${byPosition(keys)} order by ${byPosition(keys)}`
      : sql`group by ${byPosition(keys)} having ${sql.raw(sums.map((m) => `${m} <> 0`).join(' or '))}`;
  await tx.execute(
    upsert(
      'journey_cohort_rollup',
      cohortKeys,
      cohortMeasures,
      sql`select c.cohort, g.grain, g.bucket, c.source, c.campaign_id, c.segment, c.deal_type, c.disqualified_reason,
        ${sql.raw(cohortMeasures.map((m) => `sum(c.sign * c.${m})`).join(', '))}
      from (${cohortContributions(where, rows)}) c ${grains}
      ${grouped(cohortKeys.length, cohortMeasures.map((m) => `sum(c.sign * c.${m})`))}`,
    ),
  );
  await tx.execute(
    upsert(
      'journey_duration_rollup',
      durationKeys,
      ['journeys'],
      sql`select ${list(durationKeys)}, sum(c.sign) from (${durationContributions(where, rows)}) c ${grouped(durationKeys.length, ['sum(c.sign)'])}`,
    ),
  );
  // The coarser duration rollups group the same duration rows again. A fill takes them from the
  // minute histogram just written (each measure computed once, rows already grouped); a delta
  // from the signed journey rows, since the histogram holds every journey, not only the changed.
  const durations = mode === 'fill' ? sql`select journeys as sign, ${list(durationKeys)} from journey_duration_rollup` : durationContributions(where, rows);
  await tx.execute(
    upsert(
      'journey_duration_slot_rollup',
      slotKeys,
      ['journeys'],
      sql`select c.cohort, c.measure, x.dimension, x.value, g.grain, g.bucket, ${sql.raw(slotSql('c.minutes'))}, sum(c.sign)
      from (${durations}) c ${grains}
      cross join lateral (values ('all', ''), ('source', c.source), ('campaign', c.campaign_id), ('segment', c.segment), ('deal_type', c.deal_type)) x(dimension, value)
      ${grouped(slotKeys.length, ['sum(c.sign)'])}`,
    ),
  );
  // Month grain only; one arm per dimension (no lateral expansion of the journeys' rows).
  const arms = singleDimensions.map(
    ([dimension, column]) => sql.raw(`select d.sign, d.cohort, d.measure, '${dimension}'::text as dimension, ${column === "''" ? "''::text" : `d.${column}`} as value,
      ${slotSql('d.minutes')} as slot, date_trunc('month', d.day)::date as bucket, d.minutes / 60 as hour from d`),
  );
  await tx.execute(sql`
    with d as materialized (${durations})
    ${upsert(
      'journey_duration_hour_rollup',
      hourKeys,
      ['journeys'],
      sql`select ${list(hourKeys)}, sum(x.sign) from (${sql.join(arms, sql` union all `)}) x ${grouped(hourKeys.length, ['sum(x.sign)'])}`,
    )}`);
}

async function dropEmptyCells(tx: Db): Promise<void> {
  await tx.execute(sql`delete from journey_cohort_rollup where journeys = 0`);
  await tx.execute(sql`delete from journey_duration_rollup where journeys = 0`);
  await tx.execute(sql`delete from journey_duration_slot_rollup where journeys = 0`);
  await tx.execute(sql`delete from journey_duration_hour_rollup where journeys = 0`);
}

/**
 * Every journey's rollup-only columns, set-wise: the rules of `journeySegment` and
 * `journeyDealType` (first opportunity of the account, else the journey's own deal type: its
 * converting opportunity's, else its contact's first) as joins, not as subqueries per journey.
 */
const allJourneyDimensions = sql`
  select l.contact_id, coalesce(fa.deal_type, coalesce(co.deal_type, fc.deal_type)) as segment,
    coalesce(co.deal_type, fc.deal_type) as deal_type, coalesce(w.amount, 0) as won_revenue
  from leads l
  left join (select distinct on (account_id) account_id, deal_type from opportunities where account_id is not null
    order by account_id, created_at nulls last, opportunity_id) fa on fa.account_id = l.journey_account_id
  left join opportunities co on co.opportunity_id = l.converted_opportunity_id
  left join (select distinct on (contact_id) contact_id, deal_type from opportunities where contact_id is not null
    order by contact_id, created_at nulls last, opportunity_id) fc on fc.contact_id = l.contact_id
  left join (select contact_id, sum(amount_cents) as amount from opportunities where status = 'won' and contact_id is not null
    group by contact_id) w on w.contact_id = l.contact_id`;

/** The rollup-only columns of these journeys (all when null): segment, deal type, won revenue. */
async function recomputeJourneyDimensions(tx: Db, contactIds: Set<string> | null): Promise<void> {
  const dimensions =
    contactIds === null
      ? allJourneyDimensions
      : sql`select l.contact_id, ${journeySegment(sql.raw('l'))} as segment, ${journeyDealType(sql.raw('l'))} as deal_type,
          coalesce((select sum(o.amount_cents) from opportunities o where o.contact_id = l.contact_id and o.status = 'won'), 0) as won_revenue
        from leads l where l.contact_id = any(${keyArray(contactIds)})`;
  await tx.execute(sql`
    update leads t set segment = x.segment, deal_type = x.deal_type, won_revenue_cents = x.won_revenue
    from (${dimensions}) x
    where t.contact_id = x.contact_id
      and (t.segment, t.deal_type, t.won_revenue_cents) is distinct from (x.segment, x.deal_type, x.won_revenue)`);
}

/**
 * Journeys whose rollup rows a chunk may change besides the contacts it recomputes: those of the
 * accounts of changed opportunities (a new first opportunity changes the account's segment).
 */
export async function journeysOfAccounts(tx: Db, accountIds: Set<string>): Promise<string[]> {
  if (accountIds.size === 0) return [];
  const found = await rows<{ contact_id: string }>(
    tx,
    sql`select contact_id from leads where journey_account_id = any(${keyArray(accountIds)})`,
  );
  return found.map((r) => r.contact_id);
}

/** The columns of a journey its rollup rows derive from, with their types. */
const journeyColumns = [
  ['contact_id', 'text'],
  ['journey_account_id', 'text'],
  ['source', 'text'],
  ['campaign_id', 'text'],
  ['segment', 'text'],
  ['deal_type', 'text'],
  ['disqualified_reason', 'text'],
  ['awareness_at', 'timestamptz'],
  ['inquiry_at', 'timestamptz'],
  ['qualification_at', 'timestamptz'],
  ['conversion_at', 'timestamptz'],
  ['retention_at', 'timestamptz'],
  ['expansion_at', 'timestamptz'],
  ['advocacy_at', 'timestamptz'],
  ['disqualified_at', 'timestamptz'],
  ['first_follow_up_at', 'timestamptz'],
  ['won_revenue_cents', 'bigint'],
] as const;

/** Journeys as their rollup rows saw them: contact id -> those columns as JSON text. */
export type JourneySnapshot = Map<string, string>;

async function readJourneys(tx: Db, contactIds: Set<string>): Promise<JourneySnapshot> {
  if (contactIds.size === 0) return new Map();
  const found = await rows<{ contact_id: string; row: string }>(
    tx,
    sql`select s.contact_id, to_jsonb(s)::text as row
      from (select ${list(journeyColumns.map(([name]) => name))} from leads where contact_id = any(${keyArray(contactIds)})) s`,
  );
  return new Map(found.map((r) => [r.contact_id, r.row]));
}

/** The journeys' rows as their rollup rows saw them: call before their rows change, then `putInJourneys`. */
export async function journeysBefore(tx: Db, contactIds: Set<string>): Promise<JourneySnapshot> {
  return readJourneys(tx, contactIds);
}

/** Takes the journeys' contribution out now (their rows are about to go). */
export async function takeOutJourneys(tx: Db, contactIds: Set<string>): Promise<void> {
  const before = await readJourneys(tx, contactIds);
  await applyJourneyChanges(tx, before, new Map(), contactIds);
}

/**
 * Brings the journeys' rollup columns up to date; every journey whose row differs from `before`
 * takes its old contribution out and puts its new one in, in one grouped write per rollup whose
 * cells that did not change are left alone.
 */
export async function putInJourneys(tx: Db, contactIds: Set<string>, before: JourneySnapshot): Promise<JourneyChanges> {
  if (contactIds.size === 0) return { contactIds: new Set(), accounts: new Set() };
  await recomputeJourneyDimensions(tx, contactIds);
  return applyJourneyChanges(tx, before, await readJourneys(tx, contactIds), contactIds);
}

/** The journeys whose rollup row changed, and the accounts they were and are in. */
export interface JourneyChanges {
  contactIds: Set<string>;
  accounts: Set<string>;
}

async function applyJourneyChanges(tx: Db, before: JourneySnapshot, after: JourneySnapshot, contactIds: Set<string>): Promise<JourneyChanges> {
  const signed: Record<string, unknown>[] = [];
  const changes: JourneyChanges = { contactIds: new Set(), accounts: new Set() };
  for (const id of contactIds) {
    const was = before.get(id);
    const is = after.get(id);
    if (was === is) continue;
    changes.contactIds.add(id);
    for (const [row, sign] of [[was, -1], [is, 1]] as const) {
      if (row === undefined) continue;
      const parsed = JSON.parse(row) as Record<string, unknown>;
      if (typeof parsed.journey_account_id === 'string') changes.accounts.add(parsed.journey_account_id);
      signed.push({ ...parsed, sign });
    }
  }
  if (signed.length === 0) return changes;
  const types = journeyColumns.map(([name, type]) => `${name} ${type}`).join(', ');
  await addJourneys(tx, sql`true`, { from: sql`jsonb_to_recordset(${jsonParam(signed)}) as l(sign int, ${sql.raw(types)})`, sign: sql`l.sign` }, 'delta');
  await dropEmptyCells(tx);
  return changes;
}

/** Spend rows of `campaign_spend s` that `where` selects. */
export function spendContributions(where: SQL): SQL {
  return sql`select s.spend_date as day, s.campaign_id, s.amount_cents from campaign_spend s where ${where}`;
}

/** Adds spend facts just inserted (their event pks) to the spend rollup. */
export async function addSpend(tx: Db, eventPks: number[]): Promise<void> {
  if (eventPks.length === 0) return;
  await tx.execute(sql`
    insert into spend_rollup (grain, bucket, campaign_id, amount_cents)
    select g.grain, g.bucket, c.campaign_id, sum(c.amount_cents)
    from (${spendContributions(sql`s.event_pk = any(${`{${eventPks.join(',')}}`}::bigint[])`)}) c ${grains}
    group by 1, 2, 3
    on conflict (grain, bucket, campaign_id) do update set amount_cents = spend_rollup.amount_cents + excluded.amount_cents`);
}

// ---------------------------------------------------------------- attribution

const attributionMeasures = [
  'deals',
  'amount_cents',
  ...attributionModels.map((m) => `revenue_${m}`),
  ...attributionModels.map((m) => `influenced_${m}`),
];
const attributionDims = ['segment', 'deal_type', 'source', 'campaign_id', 'kind', 'key'];

/**
 * Contribution rows of the won deals `where` selects over `opportunities o` (with `l`, the lead
 * of its contact): per channel and per campaign of its credits, and its total.
 */
export function attributionContributionRows(where: SQL): SQL {
  const perModel = attributionModels.map(
    (m) => `coalesce(sum(c.credit_cents) filter (where c.model = '${m}'), 0) as revenue_${m}`,
  );
  const influenced = attributionModels.map(
    (m) => `(count(*) filter (where c.model = '${m}' and c.credit_cents > 0) > 0)::int as influenced_${m}`,
  );
  const deal = sql`o.opportunity_id, (o.won_at at time zone 'UTC')::date as won_day,
    coalesce(${accountSegment(sql.raw('o.account_id'))}, o.deal_type, '') as segment, coalesce(o.deal_type, '') as deal_type,
    coalesce(l.source, '') as source, coalesce(l.campaign_id, '') as campaign_id, o.won_at`;
  return sql`
    select d.opportunity_id, k.kind, k.key, d.won_day, d.segment, d.deal_type, d.source, d.campaign_id, d.won_at,
      1 as deals, 0::bigint as amount_cents, ${sql.raw([...perModel, ...influenced].join(', '))}
    from (select ${deal} from opportunities o left join leads l on l.contact_id = o.contact_id
          where o.status = 'won' and o.won_at is not null and ${where}) d
    join attribution_credits c on c.opportunity_id = d.opportunity_id
    cross join lateral (values ('channel', c.channel), ('campaign', coalesce(c.campaign_id, ''))) k(kind, key)
    group by d.opportunity_id, k.kind, k.key, d.won_day, d.segment, d.deal_type, d.source, d.campaign_id, d.won_at
    union all
    select d.opportunity_id, 'total', '', d.won_day, d.segment, d.deal_type, d.source, d.campaign_id, d.won_at,
      1, d.amount, ${sql.raw(attributionModels.map(() => '0').join(', '))}, ${sql.raw(attributionModels.map(() => '0').join(', '))}
    from (select ${deal}, coalesce(o.amount_cents, 0) as amount from opportunities o left join leads l on l.contact_id = o.contact_id
          where o.status = 'won' and o.won_at is not null and ${where}) d`;
}

const contributionColumns = [
  'opportunity_id', 'kind', 'key', 'won_day', 'segment', 'deal_type', 'source', 'campaign_id',
  ...attributionMeasures.filter((m) => m !== 'deals'),
];

/** Adds (1) or takes out (-1) stored contributions of the deals `where` selects over `attribution_contributions c`. */
async function addAttribution(tx: Db, where: SQL, sign: 1 | -1): Promise<void> {
  await tx.execute(sql`
    insert into attribution_rollup (grain, bucket, ${list(attributionDims)}, ${list(attributionMeasures)})
    select g.grain, g.bucket, ${sql.raw(attributionDims.map((d) => `c.${d}`).join(', '))},
      ${sql.raw(attributionMeasures.map((m) => (m === 'deals' ? `${sign} * count(*)` : `${sign} * sum(c.${m})`)).join(', '))}
    from (select *, won_day as day from attribution_contributions c where ${where}) c ${grains}
    group by ${byPosition(2 + attributionDims.length)}
    on conflict (grain, bucket, ${list(attributionDims)}) do update set
      ${sql.raw(attributionMeasures.map((m) => `${m} = attribution_rollup.${m} + excluded.${m}`).join(', '))}`);
}

/**
 * Replaces the contribution of these deals (won or not; their credits and filters are current):
 * the stored one goes out of the rollup, the new one is stored and goes in.
 */
export async function recomputeAttributionRollup(tx: Db, opportunityIds: Set<string>): Promise<void> {
  if (opportunityIds.size === 0) return;
  const ids = keyArray(opportunityIds);
  await addAttribution(tx, sql`c.opportunity_id = any(${ids})`, -1);
  await tx.execute(sql`delete from attribution_contributions where opportunity_id = any(${ids})`);
  await tx.execute(sql`
    insert into attribution_contributions (${list(contributionColumns)})
    select ${list(contributionColumns)} from (${attributionContributionRows(sql`o.opportunity_id = any(${ids})`)}) x`);
  await addAttribution(tx, sql`c.opportunity_id = any(${ids})`, 1);
  await tx.execute(sql`delete from attribution_rollup where deals = 0`);
}

async function fillAttribution(tx: Db): Promise<void> {
  await tx.execute(sql`
    insert into attribution_contributions (${list(contributionColumns)})
    select ${list(contributionColumns)} from (${attributionContributionRows(sql`true`)}) x`);
  await addAttribution(tx, sql`true`, 1);
}

/** The attribution rollup filled whole again (after every deal's credits were recomputed). */
export async function refillAttributionRollup(tx: Db): Promise<void> {
  await tx.execute(sql`truncate attribution_contributions, attribution_rollup`);
  await fillAttribution(tx);
}

/** Won deals whose filters follow these journeys (their contact) or accounts (their segment). */
export async function wonDealsOf(tx: Db, contactIds: Set<string>, accountIds: Set<string>): Promise<string[]> {
  if (contactIds.size + accountIds.size === 0) return [];
  const found = await rows<{ opportunity_id: string }>(
    tx,
    sql`select opportunity_id from opportunities where status = 'won' and contact_id = any(${keyArray(contactIds)})
      union select opportunity_id from opportunities where status = 'won' and account_id = any(${keyArray(accountIds)})`,
  );
  return found.map((r) => r.opportunity_id);
}

/** Fills every rollup from the read model, whole, and marks them current. */
export async function refillRollups(tx: Db): Promise<void> {
  await tx.execute(sql.raw(`truncate ${rollupTables.join(', ')}`));
  await recomputeJourneyDimensions(tx, null);
  await addJourneys(tx, sql`true`, leadsRows, 'fill');
  await fillHandoffRollups(tx);
  await tx.execute(sql`
    insert into spend_rollup (grain, bucket, campaign_id, amount_cents)
    select g.grain, g.bucket, c.campaign_id, sum(c.amount_cents)
    from (${spendContributions(sql`true`)}) c ${grains}
    group by 1, 2, 3`);
  await fillAttribution(tx);
  await fillCustomerRollups(tx);
  // Fresh statistics, so the first reports plan on the filled tables, not on empty ones. Not on a
  // Citus cluster: there ANALYZE of a shared table fans out to every node, which a transaction
  // that already wrote the coordinator's copy may not do; each node's autovacuum analyzes them.
  if (!(await hasCitus(tx))) await tx.execute(sql.raw(`analyze ${rollupTables.join(', ')}`));
  await setRollupMode(tx, 'current');
}

export async function rollupMode(tx: Db): Promise<RollupMode> {
  const [row] = await rows<{ rollups: RollupMode }>(tx, sql`select rollups from projector_state where name = 'main'`);
  return row?.rollups ?? 'refill';
}

export async function setRollupMode(tx: Db, mode: RollupMode): Promise<void> {
  await tx.execute(sql`update projector_state set rollups = ${mode} where name = 'main'`);
}
