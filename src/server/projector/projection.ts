// Applies stored events to the read model, set-wise in SQL over a slice of the log (the event
// data never travels through Node). Fact rows are inserted once per event; derived rows (links,
// journeys, opportunities, ...) are recomputed from all facts of the entities the slice touched,
// so the result never depends on arrival order or batching.
import { sql, type SQL } from 'drizzle-orm';
import { one, rows, type Db } from '~/server/db/client';
import { jsonParam, keyArray } from '~/server/db/params';
import { isoWeekStart } from '~/lib/isoWeek';
import { recomputeAttributionForChunk } from '~/server/metrics/attribution';
import { putInCustomers } from './customerRollups';
import { putInHandoffs } from './handoffRollups';
import { putInDeals, takeOutDeals } from './planRollups';
import { addSpend, journeysBefore, type JourneyChanges, type JourneySnapshot, journeysOfAccounts, putInJourneys, recomputeAttributionRollup, rollupMode, wonDealsOf } from './rollups';

/** A place in the log, in the projector's (transaction id, event id) order. */
export interface LogPosition {
  tx: number;
  id: number;
}

/** The events a projection applies: a range of the log in (tx, id) order, or events by primary key. */
export type LogSlice = { after: LogPosition; through: LogPosition } | { pks: readonly number[] };

/** The slice as a condition on `events e`. */
export function sliceWhere(slice: LogSlice): SQL {
  if ('pks' in slice) return sql`e.id = any(${`{${slice.pks.map(Number).join(',')}}`}::bigint[])`;
  return sql`(e.tx, e.id) > (${slice.after.tx}::bigint, ${slice.after.id}::bigint)
    and (e.tx, e.id) <= (${slice.through.tx}::bigint, ${slice.through.id}::bigint)`;
}

/** The entities a recompute covers: these keys, or every one (a bulk projection into an empty read model). */
export type Keys = ReadonlySet<string> | 'all';

/** `column` is one of the keys (always true for 'all'). */
function keyed(column: string, keys: Keys): SQL {
  return keys === 'all' ? sql`true` : sql`${sql.raw(column)} = any(${keyArray(keys)})`;
}

// Ties in time are broken by the sender's id, then the key that sent it: never by arrival.
const eventOrder = sql.raw('occurred_at, event_id, api_key_id');

const leadTypes = sql.raw(`('lead.created', 'lead.followed_up', 'lead.qualified', 'lead.disqualified')`);
const opportunityTypes = sql.raw(`('opportunity.created', 'opportunity.updated', 'opportunity.won', 'opportunity.lost')`);
const accountFactTypes = sql.raw(`('account.renewed', 'account.expanded', 'account.churned', 'account.advocacy')`);

/** The keys a slice names, per kind of entity (the only thing about its events that reaches Node). */
interface SliceKeys {
  /** contacts of lead.* events, and those named by opportunity.created and account.advocacy */
  contacts: string[];
  /** accounts of renewals, expansions, churn and advocacy (their journeys' late stages) */
  stageAccounts: string[];
  /** anonymousIds named by lead.created */
  anonymousIds: string[];
  campaigns: string[];
  weeks: string[];
  opportunities: string[];
  onboardings: string[];
  tickets: string[];
  /** every accountId the slice's events name */
  accounts: string[];
  touches: number;
  spend: number;
  accountFacts: number;
  attribution: number;
}

const keyList = (filter: string, value = 'e.entity_key') =>
  sql.raw(`coalesce(json_agg(distinct ${value}) filter (where ${filter}), '[]')`);

async function sliceKeys(tx: Db, slice: LogSlice): Promise<SliceKeys> {
  const row = await one<Record<keyof SliceKeys, unknown>>(
    tx,
    sql`
    select
      ${keyList(`e.type in ('lead.created', 'lead.followed_up', 'lead.qualified', 'lead.disqualified')
        or (e.type in ('opportunity.created', 'account.advocacy') and e.data->>'contactId' is not null)`,
        `case when e.type like 'lead.%' then e.entity_key else e.data->>'contactId' end`)} as contacts,
      ${keyList(`e.type like 'account.%'`)} as "stageAccounts",
      ${keyList(`e.type = 'lead.created' and e.data->>'anonymousId' is not null`, `e.data->>'anonymousId'`)} as "anonymousIds",
      ${keyList(`e.type = 'campaign.upserted'`)} as campaigns,
      ${keyList(`e.type = 'capacity.set'`)} as weeks,
      ${keyList(`e.type like 'opportunity.%'`)} as opportunities,
      ${keyList(`e.type like 'onboarding.%'`)} as onboardings,
      ${keyList(`e.type like 'ticket.%'`)} as tickets,
      ${keyList(`e.account_id is not null`, 'e.account_id')} as accounts,
      count(*) filter (where e.type = 'touch') as touches,
      count(*) filter (where e.type = 'campaign.spend') as spend,
      count(*) filter (where e.type like 'account.%') as "accountFacts",
      count(*) filter (where e.type = 'touch' or e.type = 'lead.created' or e.type like 'opportunity.%') as attribution
    from events e where ${sliceWhere(slice)}`,
  );
  const list = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value) as string[];
  return {
    contacts: list(row.contacts),
    stageAccounts: list(row.stageAccounts),
    anonymousIds: list(row.anonymousIds),
    campaigns: list(row.campaigns),
    weeks: list(row.weeks),
    opportunities: list(row.opportunities),
    onboardings: list(row.onboardings),
    tickets: list(row.tickets),
    accounts: list(row.accounts),
    touches: Number(row.touches),
    spend: Number(row.spend),
    accountFacts: Number(row.accountFacts),
    attribution: Number(row.attribution),
  };
}

/** Applies a slice of the log; the caller holds the projector lock, so derivations see whole facts. */
export async function project(tx: Db, slice: LogSlice): Promise<void> {
  if ('pks' in slice && slice.pks.length === 0) return;
  const keys = await sliceKeys(tx, slice);
  // Rollups by delta unless a bulk load fills them at its end.
  const keepRollups = (await rollupMode(tx)) === 'current';
  const contacts = new Set(keys.contacts);
  const addAll = (set: Set<string>, values: Iterable<string>) => {
    for (const value of values) set.add(value);
  };

  // 1. anonymousId -> contactId links, then the touches they resolve.
  const anonymousIds = new Set(keys.anonymousIds);
  if (anonymousIds.size > 0) {
    addAll(contacts, await linkedContacts(tx, anonymousIds));
    await recomputeIdentityLinks(tx, anonymousIds);
    addAll(contacts, await linkedContacts(tx, anonymousIds));
    await tx.execute(sql`
      update touches t set resolved_contact_id = l.contact_id
      from identity_links l
      where l.anonymous_id = t.visitor_id and t.contact_id is null and t.visitor_id = any(${keyArray(anonymousIds)})`);
  }

  // 2. Facts: one row per event.
  if (keys.touches > 0) {
    addAll(contacts, await insertTouches(tx, sliceWhere(slice)));
  }
  if (keys.spend > 0) {
    const spent = await insertSpend(tx, sliceWhere(slice));
    if (keepRollups) await addSpend(tx, spent);
  }
  if (keys.accountFacts > 0) await insertAccountFacts(tx, sliceWhere(slice));

  // 3. Derived entities.
  if (keys.campaigns.length > 0) await recomputeCampaigns(tx, new Set(keys.campaigns));
  if (keys.weeks.length > 0) await recomputeCapacity(tx, new Set(keys.weeks));

  const opportunityIds = new Set(keys.opportunities);
  const dealKeys = new Set([...keys.opportunities, ...keys.onboardings]);
  if (keepRollups) await takeOutDeals(tx, dealKeys);
  // Accounts whose first opportunity (their journeys' segment) may have changed.
  const segmentAccounts = new Set<string>();
  if (opportunityIds.size > 0) {
    // Contacts named before and after: a late opportunity.created can move an opportunity.
    addAll(contacts, await opportunityContacts(tx, opportunityIds));
    if (keepRollups) addAll(segmentAccounts, await opportunityAccounts(tx, opportunityIds));
    await recomputeOpportunities(tx, opportunityIds);
    addAll(contacts, await opportunityContacts(tx, opportunityIds));
    if (keepRollups) addAll(segmentAccounts, await opportunityAccounts(tx, opportunityIds));
  }

  if (keys.onboardings.length > 0 || opportunityIds.size > 0) {
    await recomputeOnboardings(tx, new Set([...keys.onboardings, ...opportunityIds]));
  }
  if (keepRollups) await putInDeals(tx, dealKeys);
  if (keys.tickets.length > 0) await recomputeTickets(tx, new Set(keys.tickets));
  if (keys.accounts.length > 0) await recomputeAccounts(tx, new Set(keys.accounts));

  // 4. Journeys: every contact whose facts, links, opportunities or account changed.
  if (keys.stageAccounts.length > 0) {
    const members = await rows<{ contact_id: string }>(
      tx,
      sql`select contact_id from leads where journey_account_id = any(${keyArray(keys.stageAccounts)})`,
    );
    for (const row of members) contacts.add(row.contact_id);
  }
  // The rollups: the old contribution of every journey whose row or segment may change goes out
  // before the rows change, the new one comes in after.
  const rolled = new Set(contacts);
  let before: JourneySnapshot = new Map();
  if (keepRollups) {
    addAll(rolled, await journeysOfAccounts(tx, segmentAccounts));
    before = await journeysBefore(tx, rolled);
  }
  if (contacts.size > 0) await recomputeJourneys(tx, contacts);
  let changedJourneys: JourneyChanges = { contactIds: new Set(), accounts: new Set() };
  if (keepRollups) changedJourneys = await putInJourneys(tx, rolled, before);

  // 5. Attribution credits of the won opportunities whose touches or terms changed (needs the journeys).
  const credited = keys.attribution > 0 ? await recomputeAttributionForChunk(tx, sliceWhere(slice)) : [];
  if (keepRollups) {
    // Their rollup rows, and those of won deals whose contact or account segment changed.
    const deals = new Set([...credited, ...opportunityIds, ...(await wonDealsOf(tx, rolled, segmentAccounts))]);
    await recomputeAttributionRollup(tx, deals);
    await putInHandoffs(tx, {
      opportunityIds: new Set([...keys.opportunities, ...keys.onboardings]),
      ticketIds: new Set(keys.tickets),
      segmentAccounts, contactIds: changedJourneys.contactIds, journeyAccounts: changedJourneys.accounts });
    await putInCustomers(tx, new Set([...keys.accounts, ...segmentAccounts, ...changedJourneys.accounts]));
  }
}

/** Touch facts of the events `where` selects over `events e`; the contacts they resolve to (when asked). */
export async function insertTouches(tx: Db, where: SQL, returnContacts = true): Promise<string[]> {
  if (!returnContacts) {
    // The bulk projection: one statement, the touches resolved through the links as they go in.
    await tx.execute(sql`
      insert into touches (event_pk, event_id, visitor_id, contact_id, anonymous_id, resolved_contact_id, channel, campaign_id, touch_type, url, occurred_at)
      select e.id, e.event_id, coalesce(e.data->>'contactId', e.data->>'anonymousId'), e.data->>'contactId', e.data->>'anonymousId',
        coalesce(e.data->>'contactId', l.contact_id), e.data->>'channel', e.data->>'campaignId', e.data->>'touchType', e.data->>'url', e.occurred_at
      from events e
      left join identity_links l on l.anonymous_id = e.data->>'anonymousId'
      where ${where} and e.type = 'touch'`);
    return [];
  }
  // A chunk: no RETURNING on the insert (on a Citus cluster an insert-select from the log with
  // RETURNING goes row by row through the coordinator: seconds a chunk, docs/scale.md) and no join
  // with the links (Citus would read every link to the coordinator); the contacts come from the
  // log, and anonymous touches are resolved by a co-located update (visitor = anonymous id).
  await tx.execute(sql`
    insert into touches (event_pk, event_id, visitor_id, contact_id, anonymous_id, resolved_contact_id, channel, campaign_id, touch_type, url, occurred_at)
    select e.id, e.event_id, coalesce(e.data->>'contactId', e.data->>'anonymousId'), e.data->>'contactId', e.data->>'anonymousId',
      e.data->>'contactId', e.data->>'channel', e.data->>'campaignId', e.data->>'touchType', e.data->>'url', e.occurred_at
    from events e
    where ${where} and e.type = 'touch'`);
  const [keys] = await rows<{ contacts: unknown; anonymous: unknown }>(
    tx,
    sql`select coalesce(json_agg(distinct e.data->>'contactId') filter (where e.data->>'contactId' is not null), '[]') as contacts,
      coalesce(json_agg(distinct e.data->>'anonymousId') filter (where e.data->>'contactId' is null and e.data->>'anonymousId' is not null), '[]') as anonymous
    from events e where ${where} and e.type = 'touch'`,
  );
  const list = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : (value ?? [])) as string[];
  const contacts = list(keys?.contacts);
  const anonymous = list(keys?.anonymous);
  if (anonymous.length === 0) return contacts;
  const resolved = await rows<{ contact: string }>(
    tx,
    sql`update touches t set resolved_contact_id = l.contact_id
      from identity_links l
      where l.anonymous_id = t.visitor_id and t.contact_id is null and t.resolved_contact_id is null and t.visitor_id = any(${keyArray(anonymous)})
      returning l.contact_id as contact`,
  );
  return [...contacts, ...resolved.map((r) => r.contact)];
}

/** Spend facts of the events `where` selects; their event pks (when asked). */
export async function insertSpend(tx: Db, where: SQL, returnPks = true): Promise<number[]> {
  await tx.execute(sql`
    insert into campaign_spend (event_pk, campaign_id, spend_date, amount_cents)
    select e.id, e.data->>'campaignId', (e.data->>'date')::date, (e.data->>'amountCents')::bigint
    from events e where ${where} and e.type = 'campaign.spend'`);
  if (!returnPks) return [];
  // Read from the log, not returned by the insert (RETURNING is row by row on a cluster, above).
  const inserted = await rows<{ pk: string | number }>(tx, sql`select e.id as pk from events e where ${where} and e.type = 'campaign.spend'`);
  return inserted.map((r) => Number(r.pk));
}

/** Renewals, expansions, churn and advocacy of the events `where` selects. */
export async function insertAccountFacts(tx: Db, where: SQL): Promise<void> {
  await tx.execute(sql`
    insert into account_events (event_pk, event_id, account_id, kind, amount_cents, reason, advocacy_kind, contact_id, occurred_at)
    select e.id, e.event_id, e.data->>'accountId', substr(e.type, length('account.') + 1), (e.data->>'amountCents')::bigint,
      e.data->>'reason', e.data->>'kind', e.data->>'contactId', e.occurred_at
    from events e where ${where} and e.type in ${accountFactTypes}`);
}

async function linkedContacts(tx: Db, anonymousIds: Set<string>): Promise<string[]> {
  const found = await rows<{ contact_id: string }>(
    tx,
    sql`select contact_id from identity_links where anonymous_id = any(${keyArray(anonymousIds)})`,
  );
  return found.map((r) => r.contact_id);
}

export async function recomputeIdentityLinks(tx: Db, anonymousIds: Keys): Promise<void> {
  if (anonymousIds !== 'all') await tx.execute(sql`delete from identity_links where ${keyed('anonymous_id', anonymousIds)}`);
  await tx.execute(sql`
    insert into identity_links (anonymous_id, contact_id, linked_at)
    select distinct on (data->>'anonymousId') data->>'anonymousId', entity_key, occurred_at
    from events
    where type = 'lead.created' and data->>'anonymousId' is not null and ${keyed(`data->>'anonymousId'`, anonymousIds)}
    order by data->>'anonymousId', ${eventOrder}`);
}

export async function recomputeCampaigns(tx: Db, ids: Keys): Promise<void> {
  if (ids !== 'all') await tx.execute(sql`delete from campaigns where ${keyed('campaign_id', ids)}`);
  await tx.execute(sql`
    insert into campaigns (campaign_id, name, channel, budget_cents, updated_at)
    select distinct on (entity_key) entity_key, data->>'name', data->>'channel', (data->>'budgetCents')::bigint, occurred_at
    from events
    where type = 'campaign.upserted' and ${keyed('entity_key', ids)}
    order by entity_key, occurred_at desc, event_id desc, api_key_id desc`);
}

/** Capacity of these weeks (each week's first day is worked out here, from its ISO name). */
export async function recomputeCapacity(tx: Db, weeks: ReadonlySet<string>, bulk = false): Promise<void> {
  if (!bulk) await tx.execute(sql`delete from capacity where week = any(${keyArray(weeks)})`);
  await tx.execute(sql`
    insert into capacity (week, week_start, slots)
    select c.week, w.week_start, c.slots
    from (
      select distinct on (entity_key) entity_key as week, (data->>'slots')::int as slots
      from events
      where type = 'capacity.set' and entity_key = any(${keyArray(weeks)})
      order by entity_key, occurred_at desc, event_id desc, api_key_id desc
    ) c
    join jsonb_to_recordset(${jsonParam([...weeks].map((week) => ({ week, week_start: isoWeekStart(week).toISOString().slice(0, 10) })))})
      as w(week text, week_start date) on w.week = c.week`);
}

async function opportunityContacts(tx: Db, ids: Set<string>): Promise<string[]> {
  const found = await rows<{ contact_id: string }>(
    tx,
    sql`select contact_id from opportunities where opportunity_id = any(${keyArray(ids)}) and contact_id is not null`,
  );
  return found.map((r) => r.contact_id);
}

async function opportunityAccounts(tx: Db, ids: Set<string>): Promise<string[]> {
  const found = await rows<{ account_id: string }>(
    tx,
    sql`select account_id from opportunities where opportunity_id = any(${keyArray(ids)}) and account_id is not null`,
  );
  return found.map((r) => r.account_id);
}

export async function recomputeOpportunities(tx: Db, ids: Keys): Promise<void> {
  if (ids !== 'all') await tx.execute(sql`delete from opportunities where ${keyed('opportunity_id', ids)}`);
  // Attributes of the earliest opportunity.created; stage and amount: the latest that set them;
  // the amount of the earliest opportunity.won that names one wins over both.
  await tx.execute(sql`
    insert into opportunities (opportunity_id, account_id, contact_id, deal_type, stage, amount_cents, created_at,
                               expected_close_at, status, won_at, lost_at, lost_reason)
    select o.id, o.account_id, o.contact_id, o.deal_type, o.stage,
           coalesce(o.won_amount, o.latest_amount), o.created_at, o.expected_close_at,
           case when o.won_at is not null then 'won' when o.lost_at is not null then 'lost' else 'open' end,
           o.won_at, o.lost_at, o.lost_reason
    from (
      select entity_key as id,
        (array_agg(data->>'accountId' order by ${eventOrder}) filter (where type = 'opportunity.created'))[1] as account_id,
        (array_agg(data->>'contactId' order by ${eventOrder}) filter (where type = 'opportunity.created'))[1] as contact_id,
        (array_agg(data->>'dealType' order by ${eventOrder}) filter (where type = 'opportunity.created'))[1] as deal_type,
        (array_agg(data->>'stage' order by occurred_at desc, event_id desc, api_key_id desc)
          filter (where type in ('opportunity.created', 'opportunity.updated') and data->>'stage' is not null))[1] as stage,
        (array_agg((data->>'amountCents')::bigint order by occurred_at desc, event_id desc, api_key_id desc)
          filter (where type in ('opportunity.created', 'opportunity.updated') and data->>'amountCents' is not null))[1] as latest_amount,
        (array_agg((data->>'amountCents')::bigint order by ${eventOrder})
          filter (where type = 'opportunity.won' and data->>'amountCents' is not null))[1] as won_amount,
        (array_agg((data->>'expectedCloseAt')::timestamptz order by occurred_at desc, event_id desc, api_key_id desc)
          filter (where type = 'opportunity.updated' and data->>'expectedCloseAt' is not null))[1] as expected_close_at,
        min(occurred_at) filter (where type = 'opportunity.created') as created_at,
        min(occurred_at) filter (where type = 'opportunity.won') as won_at,
        min(occurred_at) filter (where type = 'opportunity.lost') as lost_at,
        (array_agg(data->>'reason' order by ${eventOrder}) filter (where type = 'opportunity.lost'))[1] as lost_reason
      from events
      where ${keyed('entity_key', ids)} and type in ${opportunityTypes}
      group by entity_key
    ) o`);
}

export async function recomputeOnboardings(tx: Db, ids: Keys): Promise<void> {
  if (ids !== 'all') await tx.execute(sql`delete from onboardings where ${keyed('opportunity_id', ids)}`);
  await tx.execute(sql`
    insert into onboardings (opportunity_id, account_id, started_at, completed_at)
    select b.id, coalesce(b.account_id, o.account_id), b.started_at, b.completed_at
    from (
      select entity_key as id,
        (array_agg(account_id order by ${eventOrder}) filter (where account_id is not null))[1] as account_id,
        min(occurred_at) filter (where type = 'onboarding.started') as started_at,
        min(occurred_at) filter (where type = 'onboarding.completed') as completed_at
      from events
      where ${keyed('entity_key', ids)} and type in ('onboarding.started', 'onboarding.completed')
      group by entity_key
    ) b
    left join opportunities o on o.opportunity_id = b.id`);
}

export async function recomputeTickets(tx: Db, ids: Keys): Promise<void> {
  if (ids !== 'all') await tx.execute(sql`delete from tickets where ${keyed('ticket_id', ids)}`);
  await tx.execute(sql`
    insert into tickets (ticket_id, account_id, contact_id, category, priority, opened_at, resolved_at, csat)
    select entity_key,
      (array_agg(data->>'accountId' order by ${eventOrder}) filter (where type = 'ticket.opened'))[1],
      (array_agg(data->>'contactId' order by ${eventOrder}) filter (where type = 'ticket.opened'))[1],
      (array_agg(data->>'category' order by ${eventOrder}) filter (where type = 'ticket.opened'))[1],
      (array_agg(data->>'priority' order by ${eventOrder}) filter (where type = 'ticket.opened'))[1],
      min(occurred_at) filter (where type = 'ticket.opened'),
      min(occurred_at) filter (where type = 'ticket.resolved'),
      (array_agg((data->>'csat')::smallint order by occurred_at desc, event_id desc, api_key_id desc)
        filter (where type = 'ticket.resolved' and data->>'csat' is not null))[1]
    from events
    where ${keyed('entity_key', ids)} and type in ('ticket.opened', 'ticket.resolved')
    group by entity_key`);
}

export async function recomputeAccounts(tx: Db, ids: Keys): Promise<void> {
  if (ids !== 'all') await tx.execute(sql`delete from accounts where ${keyed('account_id', ids)}`);
  await tx.execute(sql`
    insert into accounts (account_id, name, first_seen_at, churned_at, churn_reason)
    select account_id,
      (array_agg(data->>'company' order by ${eventOrder}) filter (where type = 'lead.created' and data->>'company' is not null))[1],
      min(occurred_at),
      min(occurred_at) filter (where type = 'account.churned'),
      (array_agg(data->>'reason' order by ${eventOrder}) filter (where type = 'account.churned'))[1]
    from events
    where account_id is not null and ${keyed('account_id', ids)}
    group by account_id`);
}

/**
 * Each journey's reach times. Observations per stage, then "reached at least stage k": the reach
 * time of k is the earliest observation of k or of any later stage. Stages 5-7 are observed only
 * at or after the win, so they never move the earlier ones. Rows that did not change are not
 * written.
 */
export async function recomputeJourneys(tx: Db, contactIds: Keys): Promise<void> {
  // The keys travel once; every CTE reads them from \`ka\`.
  const all = contactIds === 'all';
  const keysCte = all
    ? sql`k as (
        select entity_key as contact_id from events where type in ${leadTypes}
        union select resolved_contact_id from touches where resolved_contact_id is not null
        union select contact_id from opportunities where contact_id is not null
      )`
    : sql`ka as materialized (select ${keyArray(contactIds)} as ids),
      k as (select distinct unnest(ids) as contact_id from ka)`;
  const of = (column: string) => (all ? sql`true` : sql`${sql.raw(column)} = any((select ids from ka)::text[])`);
  const columnList = [
    'contact_id', 'account_id', 'email', 'name', 'company', 'declared_source', 'campaign_id', 'anonymous_id', 'source',
    'journey_account_id', 'converted_opportunity_id', 'first_follow_up_at', 'follow_up_owner_id', 'disqualified_at',
    'disqualified_reason', 'awareness_at', 'inquiry_at', 'qualification_at', 'conversion_at', 'retention_at',
    'expansion_at', 'advocacy_at', 'stage',
  ];
  const columns = sql.raw(columnList.join(', '));
  const updates = sql.raw(
    columnList
      .slice(1)
      .map((c) => `${c} = excluded.${c}`)
      .join(', '),
  );
  await tx.execute(sql`
    with ${keysCte},
    -- One pass over the contacts' lead events: first times, and the first lead.created,
    -- follow-up and disqualification (the earliest by occurredAt, sender id, key).
    lead_facts as (
      select f.contact_id, f.inquiry_seen, f.qualified_seen, f.first_follow_up_at, f.disqualified_at,
        f.created->>'accountId' as account_id, f.created->>'email' as email, f.created->>'name' as name,
        f.created->>'company' as company, f.created->>'source' as declared_source, f.created->>'campaignId' as campaign_id,
        f.created->>'anonymousId' as anonymous_id, f.follow_up_owner_id, f.disqualified_reason
      from (
        select entity_key as contact_id,
          min(occurred_at) filter (where type = 'lead.created') as inquiry_seen,
          min(occurred_at) filter (where type = 'lead.qualified') as qualified_seen,
          min(occurred_at) filter (where type = 'lead.followed_up') as first_follow_up_at,
          min(occurred_at) filter (where type = 'lead.disqualified') as disqualified_at,
          (array_agg(data order by ${eventOrder}) filter (where type = 'lead.created'))[1] as created,
          (array_agg(data->>'ownerId' order by ${eventOrder}) filter (where type = 'lead.followed_up'))[1] as follow_up_owner_id,
          (array_agg(data->>'reason' order by ${eventOrder}) filter (where type = 'lead.disqualified'))[1] as disqualified_reason
        from events
        where ${of('entity_key')} and type in ${leadTypes}
        group by entity_key
      ) f
    ),
    touch_facts as (
      select resolved_contact_id as contact_id, min(occurred_at) as first_touch_at,
        (array_agg(channel order by occurred_at, event_id, channel))[1] as first_channel
      from touches
      where resolved_contact_id is not null and ${of('resolved_contact_id')}
      group by resolved_contact_id
    ),
    opportunity_facts as (
      select contact_id, min(created_at) as opportunity_seen,
        min(won_at) as won_at,
        (array_agg(opportunity_id order by won_at, opportunity_id) filter (where won_at is not null))[1] as won_opportunity_id,
        (array_agg(account_id order by won_at, opportunity_id) filter (where won_at is not null))[1] as won_account_id
      from opportunities
      where contact_id is not null and ${of('contact_id')}
      group by contact_id
    ),
    seen as (
      select k.contact_id, l.account_id, l.email, l.name, l.company, l.declared_source, l.campaign_id, l.anonymous_id,
        l.inquiry_seen, l.qualified_seen, l.first_follow_up_at, l.follow_up_owner_id, l.disqualified_at, l.disqualified_reason,
        t.first_touch_at, t.first_channel, o.opportunity_seen, o.won_at, o.won_opportunity_id, o.won_account_id,
        a.renewed_seen, a.expanded_seen, a.advocacy_seen
      from k
      left join lead_facts l on l.contact_id = k.contact_id
      left join touch_facts t on t.contact_id = k.contact_id
      left join opportunity_facts o on o.contact_id = k.contact_id
      left join lateral (
        select
          min(e.occurred_at) filter (where e.kind = 'renewed' and e.account_id = o.won_account_id) as renewed_seen,
          min(e.occurred_at) filter (where e.kind = 'expanded' and e.account_id = o.won_account_id) as expanded_seen,
          min(e.occurred_at) filter (where e.kind = 'advocacy') as advocacy_seen
        from account_events e
        where o.won_at is not null and e.occurred_at >= o.won_at
          and (e.account_id = o.won_account_id or (e.kind = 'advocacy' and e.contact_id = k.contact_id))
      ) a on true
      where l.contact_id is not null or t.contact_id is not null or o.contact_id is not null
    ),
    -- A contact left with no facts at all (its only opportunity moved to another contact) is no journey.
    ${all ? sql`` : sql`gone as (
      delete from leads where ${of('contact_id')} and contact_id not in (select contact_id from seen)
    ),`}
    reach as (
      select s.*,
        least(s.expanded_seen, s.advocacy_seen) as expansion_at,
        least(s.renewed_seen, s.expanded_seen, s.advocacy_seen) as retention_at,
        least(s.qualified_seen, s.opportunity_seen, s.won_at) as qualification_at,
        least(s.inquiry_seen, s.qualified_seen, s.opportunity_seen, s.won_at) as inquiry_at,
        least(s.first_touch_at, s.inquiry_seen, s.qualified_seen, s.opportunity_seen, s.won_at) as awareness_at
      from seen s
    )
    insert into leads as current (${columns})
    select contact_id, account_id, email, name, company, declared_source, campaign_id, anonymous_id,
      coalesce(declared_source, first_channel, 'unknown'),
      coalesce(won_account_id, account_id), won_opportunity_id, first_follow_up_at, follow_up_owner_id,
      disqualified_at, disqualified_reason, awareness_at, inquiry_at, qualification_at, won_at,
      retention_at, expansion_at, advocacy_seen,
      case when advocacy_seen is not null then 7 when expansion_at is not null then 6 when retention_at is not null then 5
           when won_at is not null then 4 when qualification_at is not null then 3 when inquiry_at is not null then 2
           when awareness_at is not null then 1 else 0 end
    from reach
    on conflict (contact_id) do update set ${updates}
    where (current.*) is distinct from (excluded.*)`);
}
