// The onboarding and ticket handoffs' rollups, kept in the projector's transaction like the
// others (docs/rollups.md). Each item's rows (one per single dimension and value it counts under)
// are stored in handoff_contributions; a chunk recomputes the rows of the items it may have
// changed, and only rows that differ from the stored ones go out of and into the rollups. Lead
// follow-ups need nothing here: they are the journeys' inquiry cohort and duration measure 7.
// The onboardings themselves, dated by their start, are counted here too (kind 'onboardings', no
// time): the KPI "onboarding starts" reads them, with the filters of the onboarding's opportunity.
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '~/server/db/client';
import { jsonParam, keyArray } from '~/server/db/params';
import { accountSegment } from '~/server/metrics/filters';

export const handoffRollupTables = ['handoff_contributions', 'handoff_rollup'] as const;

export type RolledHandoff = 'onboardingStart' | 'ticketResolution';
/** The kinds of handoff_rollup rows: the two handoffs, and the onboardings by start (items only). */
export type HandoffRollupKind = RolledHandoff | 'onboardings';

/** A handoff's time in whole minutes (seconds dropped; one recorded before its start took none). */
export const handoffMinutes = (start: string, done: string) =>
  `case when ${done} is not null then greatest(floor(extract(epoch from (${done} - ${start})) / 60), 0)::int end`;

interface Item {
  kind: HandoffRollupKind;
  item_id: string;
  started_at: string;
  minutes: number | null;
}

/** The single dimensions every item counts under, with the column of its value ('' for all). */
const dimensionArms = (from: string, columns: Record<'source' | 'campaign' | 'segment' | 'deal_type', string>) =>
  [
    `select kind, item_id, 'all'::text as dimension, ''::text as value, started_at, minutes from ${from}`,
    ...Object.entries(columns).map(([dimension, column]) => `select distinct kind, item_id, '${dimension}', ${column}, started_at, minutes from ${from}`),
  ].join(' union all ');

/** Contribution rows (kind, item_id, dimension, value, started_at, minutes) of the won deals `where` selects over `opportunities o`. */
function onboardingRows(where: SQL): SQL {
  return sql`
    with i as (
      select 'onboardingStart'::text as kind, o.opportunity_id as item_id, o.won_at as started_at,
        ${sql.raw(handoffMinutes('o.won_at', 'b.started_at'))} as minutes,
        coalesce(l.source, '') as source, coalesce(l.campaign_id, '') as campaign_id,
        coalesce(${accountSegment(sql.raw('o.account_id'))}, o.deal_type, '') as segment, coalesce(o.deal_type, '') as deal_type
      from opportunities o
      left join onboardings b on b.opportunity_id = o.opportunity_id
      left join leads l on l.contact_id = o.contact_id
      where o.status = 'won' and o.won_at is not null and ${where}
    )
    ${sql.raw(dimensionArms('i', { source: 'source', campaign: 'campaign_id', segment: 'segment', deal_type: 'deal_type' }))}`;
}

/**
 * Contribution rows (no minutes) of the onboardings `where` selects over `onboardings b`, dated by
 * their start, under the dimensions of their opportunity as the opportunity filters read them
 * (source and campaign of the lead it names, segment of its account else its deal type); a value
 * the opportunity lacks is no row, as no filter matches it.
 */
function onboardingStartRows(where: SQL): SQL {
  return sql`
    with i as (
      select 'onboardings'::text as kind, b.opportunity_id as item_id, b.started_at, null::int as minutes,
        l.source, l.campaign_id, coalesce(${accountSegment(sql.raw('o.account_id'))}, o.deal_type) as segment, o.deal_type
      from onboardings b
      left join opportunities o on o.opportunity_id = b.opportunity_id
      left join leads l on l.contact_id = o.contact_id
      where b.started_at is not null and ${where}
    )
    select kind, item_id, 'all'::text as dimension, ''::text as value, started_at, minutes from i
    union all select kind, item_id, 'source', source, started_at, minutes from i where source is not null
    union all select kind, item_id, 'campaign', campaign_id, started_at, minutes from i where campaign_id is not null
    union all select kind, item_id, 'segment', segment, started_at, minutes from i where segment is not null
    union all select kind, item_id, 'deal_type', deal_type, started_at, minutes from i where deal_type is not null`;
}

/**
 * Contribution rows of the tickets `where` selects over `tickets t`: its account's segment, and
 * every source, campaign and deal type of the account's journeys (a ticket matches a filter when
 * any journey of its account does).
 */
function ticketRows(where: SQL): SQL {
  return sql`
    with i as (
      select 'ticketResolution'::text as kind, t.ticket_id as item_id, t.opened_at as started_at,
        ${sql.raw(handoffMinutes('t.opened_at', 't.resolved_at'))} as minutes, t.account_id,
        coalesce(${accountSegment(sql.raw('t.account_id'))}, '') as segment
      from tickets t
      where t.opened_at is not null and ${where}
    ),
    j as (
      select i.kind, i.item_id, i.started_at, i.minutes, al.source, coalesce(al.campaign_id, '') as campaign_id, coalesce(al.deal_type, '') as deal_type
      from i join leads al on al.journey_account_id = i.account_id
    )
    select kind, item_id, 'all'::text as dimension, ''::text as value, started_at, minutes from i
    union all select kind, item_id, 'segment', segment, started_at, minutes from i
    union all select distinct kind, item_id, 'source', source, started_at, minutes from j
    union all select distinct kind, item_id, 'campaign', campaign_id, started_at, minutes from j
    union all select distinct kind, item_id, 'deal_type', deal_type, started_at, minutes from j`;
}

const contributionColumns = 'kind, item_id, dimension, value, started_at, minutes';
const contributionTypes = 'sign int, kind text, item_id text, dimension text, value text, started_at timestamptz, minutes int';

/**
 * Adds signed contribution rows (`c`: sign, kind, dimension, value, started_at, minutes) to the
 * handoff rollup and the duration slot and hour rollups. 'fill': every row, in key order, into
 * empty tables; 'delta': only cells whose sums are not zero.
 */
async function addToRollups(tx: Db, from: SQL, mode: 'fill' | 'delta'): Promise<void> {
  const grouped = (keys: number, sums: string[]) =>
    mode === 'fill'
      ? sql.raw(`group by ${range(keys)} order by ${range(keys)}`)
      : sql.raw(`group by ${range(keys)} having ${sums.map((s) => `${s} <> 0`).join(' or ')}`);
  const grains = (day: string) => [
    [`'day'::text`, `(${day} at time zone 'UTC')::date`],
    [`'month'::text`, `date_trunc('month', (${day} at time zone 'UTC'))::date`],
  ];
  const byGrain = (select: (grain: string, bucket: string) => string) =>
    grains('c.started_at')
      .map(([grain, bucket]) => select(grain!, bucket!))
      .join(' union all ');
  await tx.execute(sql`
    with c as materialized (${from})
    insert into handoff_rollup (kind, dimension, value, grain, bucket, items, done)
    select kind, dimension, value, grain, bucket, sum(sign), sum(sign * done) from (
      ${sql.raw(byGrain((grain, bucket) => `select c.kind, c.dimension, c.value, ${grain} as grain, ${bucket} as bucket, c.sign, (c.minutes is not null)::int as done from c`))}
    ) x ${grouped(5, ['sum(sign)', 'sum(sign * done)'])}
    on conflict (kind, dimension, value, grain, bucket) do update set
      items = handoff_rollup.items + excluded.items, done = handoff_rollup.done + excluded.done`);
  const slot = `(case when c.minutes < 86400 then c.minutes / 1440 else 60 + (c.minutes - 86400) / 10080 end)::smallint`;
  await tx.execute(sql`
    with c as materialized (select * from (${from}) c where c.minutes is not null)
    insert into journey_duration_slot_rollup (cohort, measure, dimension, value, grain, bucket, slot, journeys)
    select cohort, measure, dimension, value, grain, bucket, slot, sum(sign) from (
      ${sql.raw(byGrain((grain, bucket) => `select c.kind as cohort, 0::smallint as measure, c.dimension, c.value, ${grain} as grain, ${bucket} as bucket, ${slot} as slot, c.sign from c`))}
    ) x ${grouped(7, ['sum(sign)'])}
    on conflict (cohort, measure, dimension, value, grain, bucket, slot) do update set journeys = journey_duration_slot_rollup.journeys + excluded.journeys`);
  await tx.execute(sql`
    with c as materialized (select * from (${from}) c where c.minutes is not null)
    insert into journey_duration_hour_rollup (cohort, measure, dimension, value, slot, bucket, hour, journeys)
    select c.kind, 0::smallint, c.dimension, c.value, ${sql.raw(slot)}, date_trunc('month', (c.started_at at time zone 'UTC'))::date, c.minutes / 60, sum(c.sign)
    from c ${grouped(7, ['sum(c.sign)'])}
    on conflict (cohort, measure, dimension, value, slot, bucket, hour) do update set journeys = journey_duration_hour_rollup.journeys + excluded.journeys`);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1).join(', ');

/** Fills the handoff rollups whole (after the journeys' rollup columns are current). */
export async function fillHandoffRollups(tx: Db): Promise<void> {
  for (const contributions of [onboardingRows(sql`true`), ticketRows(sql`true`), onboardingStartRows(sql`true`)]) {
    await tx.execute(sql`
      insert into handoff_contributions (${sql.raw(contributionColumns)})
      select ${sql.raw(contributionColumns)} from (${contributions}) x order by 1, 2, 3, 4`);
  }
  await addToRollups(tx, sql`select 1 as sign, ${sql.raw(contributionColumns)} from handoff_contributions`, 'fill');
  await tx.execute(sql`delete from handoff_rollup where items = 0`);
}

/** What a chunk changed that handoff items follow. */
export interface HandoffChanges {
  /** opportunities (and onboardings, by their opportunity) the chunk's events name */
  opportunityIds: Set<string>;
  ticketIds: Set<string>;
  /** accounts whose segment may have changed */
  segmentAccounts: Set<string>;
  /** journeys whose rollup row changed, and the accounts they were and are in */
  contactIds: Set<string>;
  journeyAccounts: Set<string>;
}

/** Recomputes the rows of every item the changes may reach; rows that differ go out and in. */
export async function putInHandoffs(tx: Db, changes: HandoffChanges): Promise<void> {
  const opportunities = keyArray(changes.opportunityIds);
  const contacts = keyArray(changes.contactIds);
  const accounts = keyArray([...changes.segmentAccounts, ...changes.journeyAccounts]);
  const segmentAccounts = keyArray(changes.segmentAccounts);
  const wonWhere = sql`(o.opportunity_id = any(${opportunities}) or o.contact_id = any(${contacts}) or o.account_id = any(${segmentAccounts}))`;
  const ticketWhere = sql`(t.ticket_id = any(${keyArray(changes.ticketIds)}) or t.account_id = any(${accounts}))`;
  // An onboarding's key is its opportunity's: the same ids reach both kinds.
  const touched = await rows<{ kind: RolledHandoff; item_id: string }>(
    tx,
    sql`select 'onboardingStart' as kind, o.opportunity_id as item_id from opportunities o where ${wonWhere}
      union all select 'ticketResolution', t.ticket_id from tickets t where ${ticketWhere}`,
  );
  // Items gone from the read model (none today) still have stored rows: those are found by id.
  const onboardingIds = [...new Set([...changes.opportunityIds, ...touched.filter((t) => t.kind === 'onboardingStart').map((t) => t.item_id)])];
  const ticketIds = [...new Set([...changes.ticketIds, ...touched.filter((t) => t.kind === 'ticketResolution').map((t) => t.item_id)])];
  if (onboardingIds.length + ticketIds.length === 0) return;

  type Row = Item & { dimension: string; value: string };
  const stored = await rows<Row>(
    tx,
    sql`select kind, item_id, dimension, value, to_jsonb(started_at)#>>'{}' as started_at, minutes from handoff_contributions
      where (kind in ('onboardingStart', 'onboardings') and item_id = any(${keyArray(onboardingIds)}))
         or (kind = 'ticketResolution' and item_id = any(${keyArray(ticketIds)}))`,
  );
  const current = await rows<Row>(
    tx,
    sql`select kind, item_id, dimension, value, to_jsonb(started_at)#>>'{}' as started_at, minutes from (
      (${onboardingRows(sql`o.opportunity_id = any(${keyArray(onboardingIds)})`)})
      union all
      (${onboardingStartRows(sql`b.opportunity_id = any(${keyArray(onboardingIds)})`)})
      union all
      (${ticketRows(sql`t.ticket_id = any(${keyArray(ticketIds)})`)})
    ) x`,
  );
  const text = (r: Row) => JSON.stringify([r.kind, r.item_id, r.dimension, r.value, r.started_at, r.minutes === null ? null : Number(r.minutes)]);
  const was = new Set(stored.map(text));
  const is = new Set(current.map(text));
  const out = stored.filter((r) => !is.has(text(r)));
  const into = current.filter((r) => !was.has(text(r)));
  if (out.length + into.length === 0) return;

  const signed = [...out.map((r) => ({ ...r, sign: -1 })), ...into.map((r) => ({ ...r, sign: 1 }))];
  await addToRollups(tx, sql`select * from jsonb_to_recordset(${jsonParam(signed)}) as c(${sql.raw(contributionTypes)})`, 'delta');
  if (out.length > 0) {
    await tx.execute(sql`
      delete from handoff_contributions h
      using jsonb_to_recordset(${jsonParam(out)}) as r(kind text, item_id text, dimension text, value text)
      where h.kind = r.kind and h.item_id = r.item_id and h.dimension = r.dimension and h.value = r.value`);
  }
  if (into.length > 0) {
    await tx.execute(sql`
      insert into handoff_contributions (${sql.raw(contributionColumns)})
      select ${sql.raw(contributionColumns)} from jsonb_to_recordset(${jsonParam(into)}) as r(${sql.raw(contributionTypes.replace('sign int, ', ''))})`);
  }
  await tx.execute(sql`delete from handoff_rollup where items = 0`);
  await tx.execute(sql`delete from journey_duration_slot_rollup where journeys = 0`);
  await tx.execute(sql`delete from journey_duration_hour_rollup where journeys = 0`);
}

