// Applies newly stored events to the read model. Fact rows are inserted once per event; derived
// rows (links, journeys, opportunities, ...) are recomputed from all facts of the entities the
// batch touched, set-based, so the result never depends on arrival order or batching.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '~/server/db/client';
import { jsonParam, keyArray } from '~/server/db/params';
import { isoWeekStart } from '~/lib/isoWeek';
import { recomputeAttributionForBatch } from '~/server/metrics/attribution';
import { accountIdOf, type EventData, type EventType, type IngestEvent } from '~/server/ingest/catalogue';
import { handoffItemsOf, putInHandoffs } from './handoffRollups';
import { addSpend, journeysBefore, type JourneyChanges, type JourneySnapshot, journeysOfAccounts, putInJourneys, recomputeAttributionRollup, rollupMode, wonDealsOf } from './rollups';

/** An event as it sits in the log: its primary key plus the validated event. */
export type StoredEvent = IngestEvent & { pk: number };

// Ties in time are broken by the sender's id, then the key that sent it: never by arrival.
const eventOrder = sql.raw('occurred_at, event_id, api_key_id');

function ofType<T extends EventType>(events: StoredEvent[], ...types: T[]) {
  return events.filter((e): e is Extract<StoredEvent, { type: T }> => (types as string[]).includes(e.type));
}

/** Applies a chunk of the log; the caller holds the projector lock, so derivations see whole facts. */
export async function project(tx: Db, events: StoredEvent[]): Promise<void> {
  if (events.length === 0) return;
  // Rollups by delta unless a bulk load fills them at its end.
  const keepRollups = (await rollupMode(tx)) === 'current';

  const contacts = new Set<string>();
  const accountsWithStages = new Set<string>();
  const add = (set: Set<string>, value: string | null | undefined) => {
    if (value) set.add(value);
  };

  for (const e of events) {
    switch (e.type) {
      case 'touch':
        add(contacts, e.data.contactId);
        break;
      case 'lead.created':
      case 'lead.followed_up':
      case 'lead.qualified':
      case 'lead.disqualified':
        add(contacts, e.data.contactId);
        break;
      case 'opportunity.created':
        add(contacts, e.data.contactId);
        break;
      case 'account.renewed':
      case 'account.expanded':
      case 'account.churned':
        add(accountsWithStages, e.data.accountId);
        break;
      case 'account.advocacy':
        add(accountsWithStages, e.data.accountId);
        add(contacts, e.data.contactId);
        break;
      default:
        break;
    }
  }

  // 1. anonymousId -> contactId links, then the touches they resolve.
  const anonymousIds = new Set<string>();
  for (const e of ofType(events, 'lead.created')) add(anonymousIds, e.data.anonymousId);
  if (anonymousIds.size > 0) {
    for (const id of await linkedContacts(tx, anonymousIds)) contacts.add(id);
    await recomputeIdentityLinks(tx, anonymousIds);
    for (const id of await linkedContacts(tx, anonymousIds)) contacts.add(id);
    await tx.execute(sql`
      update touches t set resolved_contact_id = l.contact_id
      from identity_links l
      where l.anonymous_id = t.visitor_id and t.contact_id is null and t.visitor_id = any(${keyArray(anonymousIds)})`);
  }

  // 2. Facts: one row per event.
  const touchEvents = ofType(events, 'touch');
  if (touchEvents.length > 0) {
    const inserted = await rows<{ contact: string | null }>(
      tx,
      sql`
      insert into touches (event_pk, event_id, visitor_id, contact_id, anonymous_id, resolved_contact_id, channel, campaign_id, touch_type, url, occurred_at)
      select t.pk, t.id, coalesce(t.contact_id, t.anonymous_id), t.contact_id, t.anonymous_id, coalesce(t.contact_id, l.contact_id), t.channel, t.campaign_id, t.touch_type, t.url, t.occurred_at
      from jsonb_to_recordset(${jsonParam(touchEvents.map(touchRow))})
        as t(pk bigint, id text, contact_id text, anonymous_id text, channel text, campaign_id text, touch_type text, url text, occurred_at timestamptz)
      left join identity_links l on l.anonymous_id = t.anonymous_id
      returning resolved_contact_id as contact`,
    );
    for (const row of inserted) add(contacts, row.contact);
  }

  const spend = ofType(events, 'campaign.spend');
  if (spend.length > 0) {
    await tx.execute(sql`
      insert into campaign_spend (event_pk, campaign_id, spend_date, amount_cents)
      select s.pk, s.campaign_id, s.spend_date, s.amount_cents
      from jsonb_to_recordset(${jsonParam(
        spend.map((e) => ({ pk: e.pk, campaign_id: e.data.campaignId, spend_date: e.data.date, amount_cents: e.data.amountCents })),
      )}) as s(pk bigint, campaign_id text, spend_date date, amount_cents bigint)`);
    if (keepRollups) await addSpend(tx, spend.map((e) => e.pk));
  }

  const accountFacts = ofType(events, 'account.renewed', 'account.expanded', 'account.churned', 'account.advocacy');
  if (accountFacts.length > 0) {
    await tx.execute(sql`
      insert into account_events (event_pk, event_id, account_id, kind, amount_cents, reason, advocacy_kind, contact_id, occurred_at)
      select a.pk, a.id, a.account_id, a.kind, a.amount_cents, a.reason, a.advocacy_kind, a.contact_id, a.occurred_at
      from jsonb_to_recordset(${jsonParam(accountFacts.map(accountEventRow))})
        as a(pk bigint, id text, account_id text, kind text, amount_cents bigint, reason text, advocacy_kind text, contact_id text, occurred_at timestamptz)`);
  }

  // 3. Derived entities.
  const campaignIds = new Set(ofType(events, 'campaign.upserted').map((e) => e.data.campaignId));
  if (campaignIds.size > 0) await recomputeCampaigns(tx, campaignIds);

  const weeks = new Set(ofType(events, 'capacity.set').map((e) => e.data.week));
  if (weeks.size > 0) await recomputeCapacity(tx, weeks);

  const opportunityIds = new Set(
    ofType(events, 'opportunity.created', 'opportunity.updated', 'opportunity.won', 'opportunity.lost').map((e) => e.data.opportunityId),
  );
  // Accounts whose first opportunity (their journeys' segment) may have changed.
  const segmentAccounts = new Set<string>();
  if (opportunityIds.size > 0) {
    // Contacts named before and after: a late opportunity.created can move an opportunity.
    for (const id of await opportunityContacts(tx, opportunityIds)) contacts.add(id);
    if (keepRollups) for (const id of await opportunityAccounts(tx, opportunityIds)) segmentAccounts.add(id);
    await recomputeOpportunities(tx, opportunityIds);
    for (const id of await opportunityContacts(tx, opportunityIds)) contacts.add(id);
    if (keepRollups) for (const id of await opportunityAccounts(tx, opportunityIds)) segmentAccounts.add(id);
  }

  const onboardingIds = new Set(ofType(events, 'onboarding.started', 'onboarding.completed').map((e) => e.data.opportunityId));
  if (onboardingIds.size > 0 || opportunityIds.size > 0) {
    await recomputeOnboardings(tx, new Set([...onboardingIds, ...opportunityIds]));
  }

  const ticketIds = new Set(ofType(events, 'ticket.opened', 'ticket.resolved').map((e) => e.data.ticketId));
  if (ticketIds.size > 0) await recomputeTickets(tx, ticketIds);

  const accountIds = new Set<string>();
  for (const e of events) add(accountIds, accountIdOf(e));
  if (accountIds.size > 0) await recomputeAccounts(tx, accountIds);

  // 4. Journeys: every contact whose facts, links, opportunities or account changed.
  if (accountsWithStages.size > 0) {
    const members = await rows<{ contact_id: string }>(
      tx,
      sql`select contact_id from leads where journey_account_id = any(${keyArray(accountsWithStages)})`,
    );
    for (const row of members) contacts.add(row.contact_id);
  }
  // The rollups: the old contribution of every journey whose row or segment may change goes out
  // before the rows change, the new one comes in after.
  const rolled = new Set(contacts);
  let before: JourneySnapshot = new Map();
  if (keepRollups) {
    for (const id of await journeysOfAccounts(tx, segmentAccounts)) rolled.add(id);
    before = await journeysBefore(tx, rolled);
  }
  if (contacts.size > 0) await recomputeJourneys(tx, contacts);
  let changedJourneys: JourneyChanges = { contactIds: new Set(), accounts: new Set() };
  if (keepRollups) changedJourneys = await putInJourneys(tx, rolled, before);

  // 5. Attribution credits of the won opportunities whose touches or terms changed (needs the journeys).
  const credited = await recomputeAttributionForBatch(tx, events);
  if (keepRollups) {
    // Their rollup rows, and those of won deals whose contact or account segment changed.
    const deals = new Set([...credited, ...opportunityIds, ...(await wonDealsOf(tx, rolled, segmentAccounts))]);
    await recomputeAttributionRollup(tx, deals);
    await putInHandoffs(tx, { ...handoffItemsOf(events), segmentAccounts, contactIds: changedJourneys.contactIds, journeyAccounts: changedJourneys.accounts });
  }
}

function touchRow(e: StoredEvent & { type: 'touch' }) {
  return {
    pk: e.pk,
    id: e.id,
    contact_id: e.data.contactId ?? null,
    anonymous_id: e.data.anonymousId ?? null,
    channel: e.data.channel,
    campaign_id: e.data.campaignId ?? null,
    touch_type: e.data.touchType,
    url: e.data.url ?? null,
    occurred_at: e.occurredAt.toISOString(),
  };
}

function accountEventRow(e: StoredEvent & { type: 'account.renewed' | 'account.expanded' | 'account.churned' | 'account.advocacy' }) {
  const data: Partial<EventData<'account.renewed'> & EventData<'account.churned'> & EventData<'account.advocacy'>> = e.data;
  return {
    pk: e.pk,
    id: e.id,
    account_id: e.data.accountId,
    kind: e.type.slice('account.'.length),
    amount_cents: data.amountCents ?? null,
    reason: data.reason ?? null,
    advocacy_kind: data.kind ?? null,
    contact_id: data.contactId ?? null,
    occurred_at: e.occurredAt.toISOString(),
  };
}

async function linkedContacts(tx: Db, anonymousIds: Set<string>): Promise<string[]> {
  const found = await rows<{ contact_id: string }>(
    tx,
    sql`select contact_id from identity_links where anonymous_id = any(${keyArray(anonymousIds)})`,
  );
  return found.map((r) => r.contact_id);
}

async function recomputeIdentityLinks(tx: Db, anonymousIds: Set<string>): Promise<void> {
  await tx.execute(sql`delete from identity_links where anonymous_id = any(${keyArray(anonymousIds)})`);
  await tx.execute(sql`
    insert into identity_links (anonymous_id, contact_id, linked_at)
    select distinct on (data->>'anonymousId') data->>'anonymousId', entity_key, occurred_at
    from events
    where type = 'lead.created' and data->>'anonymousId' = any(${keyArray(anonymousIds)})
    order by data->>'anonymousId', ${eventOrder}`);
}

async function recomputeCampaigns(tx: Db, ids: Set<string>): Promise<void> {
  await tx.execute(sql`delete from campaigns where campaign_id = any(${keyArray(ids)})`);
  await tx.execute(sql`
    insert into campaigns (campaign_id, name, channel, budget_cents, updated_at)
    select distinct on (entity_key) entity_key, data->>'name', data->>'channel', (data->>'budgetCents')::bigint, occurred_at
    from events
    where type = 'campaign.upserted' and entity_key = any(${keyArray(ids)})
    order by entity_key, occurred_at desc, event_id desc, api_key_id desc`);
}

async function recomputeCapacity(tx: Db, weeks: Set<string>): Promise<void> {
  await tx.execute(sql`delete from capacity where week = any(${keyArray(weeks)})`);
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

async function recomputeOpportunities(tx: Db, ids: Set<string>): Promise<void> {
  await tx.execute(sql`delete from opportunities where opportunity_id = any(${keyArray(ids)})`);
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
      where entity_key = any(${keyArray(ids)}) and type in ('opportunity.created', 'opportunity.updated', 'opportunity.won', 'opportunity.lost')
      group by entity_key
    ) o`);
}

async function recomputeOnboardings(tx: Db, ids: Set<string>): Promise<void> {
  await tx.execute(sql`delete from onboardings where opportunity_id = any(${keyArray(ids)})`);
  await tx.execute(sql`
    insert into onboardings (opportunity_id, account_id, started_at, completed_at)
    select b.id, coalesce(b.account_id, o.account_id), b.started_at, b.completed_at
    from (
      select entity_key as id,
        (array_agg(account_id order by ${eventOrder}) filter (where account_id is not null))[1] as account_id,
        min(occurred_at) filter (where type = 'onboarding.started') as started_at,
        min(occurred_at) filter (where type = 'onboarding.completed') as completed_at
      from events
      where entity_key = any(${keyArray(ids)}) and type in ('onboarding.started', 'onboarding.completed')
      group by entity_key
    ) b
    left join opportunities o on o.opportunity_id = b.id`);
}

async function recomputeTickets(tx: Db, ids: Set<string>): Promise<void> {
  await tx.execute(sql`delete from tickets where ticket_id = any(${keyArray(ids)})`);
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
    where entity_key = any(${keyArray(ids)}) and type in ('ticket.opened', 'ticket.resolved')
    group by entity_key`);
}

async function recomputeAccounts(tx: Db, ids: Set<string>): Promise<void> {
  await tx.execute(sql`delete from accounts where account_id = any(${keyArray(ids)})`);
  await tx.execute(sql`
    insert into accounts (account_id, name, first_seen_at, churned_at, churn_reason)
    select account_id,
      (array_agg(data->>'company' order by ${eventOrder}) filter (where type = 'lead.created' and data->>'company' is not null))[1],
      min(occurred_at),
      min(occurred_at) filter (where type = 'account.churned'),
      (array_agg(data->>'reason' order by ${eventOrder}) filter (where type = 'account.churned'))[1]
    from events
    where account_id = any(${keyArray(ids)})
    group by account_id`);
}

/**
 * Each journey's reach times. Observations per stage, then "reached at least stage k": the reach
 * time of k is the earliest observation of k or of any later stage. Stages 5-7 are observed only
 * at or after the win, so they never move the earlier ones. Rows that did not change are not
 * written.
 */
async function recomputeJourneys(tx: Db, contactIds: Set<string>): Promise<void> {
  const keys = keyArray(contactIds);
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
    with k as (select distinct unnest(${keys}) as contact_id),
    lead_times as (
      select entity_key as contact_id,
        min(occurred_at) filter (where type = 'lead.created') as inquiry_seen,
        min(occurred_at) filter (where type = 'lead.qualified') as qualified_seen,
        min(occurred_at) filter (where type = 'lead.followed_up') as first_follow_up_at,
        min(occurred_at) filter (where type = 'lead.disqualified') as disqualified_at
      from events
      where entity_key = any(${keys}) and type in ('lead.created', 'lead.followed_up', 'lead.qualified', 'lead.disqualified')
      group by entity_key
    ),
    first_created as (
      select distinct on (entity_key) entity_key as contact_id, data
      from events where entity_key = any(${keys}) and type = 'lead.created'
      order by entity_key, ${eventOrder}
    ),
    first_follow_up as (
      select distinct on (entity_key) entity_key as contact_id, data->>'ownerId' as owner_id
      from events where entity_key = any(${keys}) and type = 'lead.followed_up'
      order by entity_key, ${eventOrder}
    ),
    first_disqualified as (
      select distinct on (entity_key) entity_key as contact_id, data->>'reason' as reason
      from events where entity_key = any(${keys}) and type = 'lead.disqualified'
      order by entity_key, ${eventOrder}
    ),
    lead_facts as (
      select t.contact_id, t.inquiry_seen, t.qualified_seen, t.first_follow_up_at, t.disqualified_at,
        c.data->>'accountId' as account_id, c.data->>'email' as email, c.data->>'name' as name,
        c.data->>'company' as company, c.data->>'source' as declared_source, c.data->>'campaignId' as campaign_id,
        c.data->>'anonymousId' as anonymous_id, f.owner_id as follow_up_owner_id, d.reason as disqualified_reason
      from lead_times t
      left join first_created c on c.contact_id = t.contact_id
      left join first_follow_up f on f.contact_id = t.contact_id
      left join first_disqualified d on d.contact_id = t.contact_id
    ),
    touch_facts as (
      select resolved_contact_id as contact_id, min(occurred_at) as first_touch_at,
        (array_agg(channel order by occurred_at, event_id, channel))[1] as first_channel
      from touches
      where resolved_contact_id = any(${keys})
      group by resolved_contact_id
    ),
    opportunity_facts as (
      select contact_id, min(created_at) as opportunity_seen,
        min(won_at) as won_at,
        (array_agg(opportunity_id order by won_at, opportunity_id) filter (where won_at is not null))[1] as won_opportunity_id,
        (array_agg(account_id order by won_at, opportunity_id) filter (where won_at is not null))[1] as won_account_id
      from opportunities
      where contact_id = any(${keys})
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
    gone as (
      delete from leads where contact_id = any(${keys}) and contact_id not in (select contact_id from seen)
    ),
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
