// Accounts: each account's reach, open work and value (the list is in ./lists), and the account
// timeline: everything every department recorded about one account, in time order.
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { dbNumber, typedOne, typedRows, type Db } from '~/server/db/client';
import { jsonParam, keyArray } from '~/server/db/params';
import { department, eventTypes, type Department, type EventType } from '~/server/ingest/catalogue';
import { lifetimeValueColumns } from './customers';
import { isoText } from './filters';
import { stages, type Stage } from './funnel';

export interface AccountRow {
  accountId: string;
  name: string | null;
  /** the furthest stage any journey of the account reached, null when none did */
  stageReached: Stage | null;
  openDeals: number;
  /** open opportunities of deal type 'renewal' (part of openDeals) */
  openRenewals: number;
  openTickets: number;
  lifetimeValueCents: number;
  churned: boolean;
  /** when any department first named the account (ISO, UTC) */
  firstSeenAt: string;
}

/** An account row of `accountColumns`, as a query hands it over (counts may be text). */
export const accountSqlRow = z.object({
  account_id: z.string(),
  name: z.string().nullable(),
  open_deals: dbNumber,
  open_renewals: dbNumber,
  open_tickets: dbNumber,
  won: dbNumber,
  renewal: dbNumber,
  expansion: dbNumber,
  churned: z.boolean(),
  first_seen_at: z.string(),
});
export type AccountSqlRow = z.output<typeof accountSqlRow> & { stage: number | null };

export function toAccountRow(r: AccountSqlRow): AccountRow {
  const stage = r.stage ?? 0;
  return {
    accountId: r.account_id,
    name: r.name,
    stageReached: stage > 0 ? (stages[stage - 1] ?? null) : null,
    openDeals: r.open_deals,
    openRenewals: r.open_renewals,
    openTickets: r.open_tickets,
    lifetimeValueCents: r.won + r.renewal + r.expansion,
    churned: r.churned,
    firstSeenAt: r.first_seen_at,
  };
}

/**
 * The columns of an account row `a` (alias of accounts), read by toAccountRow once `withStages`
 * has added the furthest stage of its journeys (read apart: journeys are distributed on a cluster).
 */
export const accountColumns = sql`
  a.account_id, a.name, a.churned_at is not null as churned, ${isoText(sql.raw('a.first_seen_at'))} as first_seen_at,
  (select count(*) from opportunities o where o.account_id = a.account_id and o.status = 'open')::int as open_deals,
  (select count(*) from opportunities o where o.account_id = a.account_id and o.status = 'open' and o.deal_type = 'renewal')::int as open_renewals,
  (select count(*) from tickets t where t.account_id = a.account_id and t.resolved_at is null)::int as open_tickets,
  ${lifetimeValueColumns}`;

export async function getAccount(db: Db, accountId: string): Promise<AccountRow | null> {
  const found = await typedRows(db, sql`select ${accountColumns} from accounts a where a.account_id = ${accountId}`, accountSqlRow);
  const [row] = await withStages(db, found);
  return row ? toAccountRow(row) : null;
}

/**
 * The furthest stage of each account's journeys, read apart from the accounts: journeys are
 * distributed on a cluster, and one query by account keys runs on every shard at once.
 */
export async function withStages(db: Db, accounts: Omit<AccountSqlRow, 'stage'>[]): Promise<AccountSqlRow[]> {
  if (accounts.length === 0) return [];
  const stages = await typedRows(
    db,
    sql`select journey_account_id as account_id, max(stage)::int as stage from leads
        where journey_account_id = any(${keyArray(accounts.map((a) => a.account_id))}) group by journey_account_id`,
    z.object({ account_id: z.string(), stage: dbNumber }),
  );
  const byAccount = new Map(stages.map((s) => [s.account_id, s.stage]));
  return accounts.map((a) => ({ ...a, stage: byAccount.get(a.account_id) ?? null }));
}

// ---------------------------------------------------------------- timeline

export interface TimelineItem {
  /** ISO 8601, UTC */
  at: string;
  /** the sender's event id */
  eventId: string;
  department: Department;
  type: EventType;
  /** what happened, without contact details or money (those are the fields below) */
  summary: string;
  contactId: string | null;
  /** contact details: masked by the API for roles without seeContacts */
  contactName: string | null;
  contactEmail: string | null;
  /** money: masked by the API for roles without seeMoney */
  amountCents: number | null;
}

export interface Timeline {
  accountId: string;
  total: number;
  items: TimelineItem[];
}

const timelineSqlRow = z.object({
  at: z.string(),
  event_id: z.string(),
  department,
  type: z.enum(eventTypes as [EventType, ...EventType[]]),
  data: z.string(),
  contact_id: z.string().nullable(),
  amount_cents: dbNumber.nullable(),
});

/**
 * The events of one account: those naming it, the touches and lead events of its contacts (the
 * leads of the account or converted into it, and the contacts its deals and tickets name), and
 * the later events of its opportunities, onboardings and tickets. Time order; ties by sender id.
 */
export async function accountTimeline(
  db: Db,
  input: { accountId: string; offset?: number; limit?: number },
): Promise<Timeline> {
  const limit = Math.min(1000, Math.max(1, input.limit ?? 500));
  const offset = Math.max(0, input.offset ?? 0);
  const a = input.accountId;
  // The account's keys first (a few index lookups), so the log is then read by explicit keys: the
  // planner sees how few they are whatever its statistics say.
  const keys = await typedOne(
    db,
    sql`select
      (select coalesce(json_agg(k.contact_id), '[]')::text from (
        select contact_id from leads where account_id = ${a}
        union select contact_id from leads where journey_account_id = ${a}
        union select contact_id from opportunities where account_id = ${a} and contact_id is not null
        union select contact_id from tickets where account_id = ${a} and contact_id is not null) k) as contacts,
      (select coalesce(json_agg(opportunity_id), '[]')::text from opportunities where account_id = ${a}) as opportunities,
      (select coalesce(json_agg(ticket_id), '[]')::text from tickets where account_id = ${a}) as tickets`,
    z.object({ contacts: z.string(), opportunities: z.string(), tickets: z.string() }),
  );
  const among = (column: SQL, json: string): SQL => {
    const values = JSON.parse(json) as string[];
    return values.length === 0 ? sql`false` : sql`${column} in (${sql.join(values.map((v) => sql`${v}`), sql`, `)})`;
  };
  // The contacts' touches (journeys and touches are distributed on a cluster): read by contact on
  // every shard at once, then joined with the log (on the coordinator) as a list of keys.
  const touchContacts = await typedRows(
    db,
    sql`select event_pk as pk, resolved_contact_id as contact_id from touches where ${among(sql`resolved_contact_id`, keys.contacts)}`,
    z.object({ pk: dbNumber, contact_id: z.string() }),
  );
  const selected = sql`
    with tc as (
      select * from jsonb_to_recordset(${jsonParam(touchContacts)})
        as tc(pk bigint, contact_id text)
    ),
    pks as (
      select id from events where account_id = ${a}
      union select pk from tc
      union select id from events
        where ${among(sql`entity_key`, keys.contacts)}
          and type in ('lead.created', 'lead.followed_up', 'lead.qualified', 'lead.disqualified')
      union select id from events
        where ${among(sql`entity_key`, keys.opportunities)}
          and type in ('opportunity.created', 'opportunity.updated', 'opportunity.won', 'opportunity.lost',
                       'onboarding.started', 'onboarding.completed')
      union select id from events
        where ${among(sql`entity_key`, keys.tickets)} and type in ('ticket.opened', 'ticket.resolved')
    )`;
  const [count, found] = await Promise.all([
    typedOne(db, sql`${selected} select count(*)::int as total from pks`, z.object({ total: dbNumber })),
    typedRows(
      db,
      sql`${selected}
      select ${isoText(sql`e.occurred_at`)} as at,
        e.event_id, e.department, e.type, e.data::text as data, x.contact_id,
        (case when e.type = 'opportunity.won' then coalesce((e.data->>'amountCents')::bigint, o.amount_cents)
              else (e.data->>'amountCents')::bigint end)::float8 as amount_cents
      from events e
      left join opportunities o on e.type like 'opportunity.%' and o.opportunity_id = e.entity_key
      cross join lateral (
        select case
          when e.type = 'touch' then (select tc.contact_id from tc where tc.pk = e.id)
          when e.type like 'lead.%' then e.entity_key
          when e.type like 'opportunity.%' or e.type like 'onboarding.%'
            then (select oc.contact_id from opportunities oc where oc.opportunity_id = e.entity_key)
          when e.type like 'ticket.%' then (select tc.contact_id from tickets tc where tc.ticket_id = e.entity_key)
          else e.data->>'contactId' end as contact_id
      ) x
      where e.id in (select id from pks)
      order by e.occurred_at, e.event_id, e.api_key_id
      limit ${limit} offset ${offset}`,
      timelineSqlRow,
    ),
  ]);
  const contactIds = found.flatMap((r) => (r.contact_id ? [r.contact_id] : []));
  const contacts = new Map(
    contactIds.length === 0
      ? []
      : (
          await typedRows(
            db,
            sql`select contact_id, name, email from leads where contact_id = any(${keyArray(contactIds)})`,
            z.object({ contact_id: z.string(), name: z.string().nullable(), email: z.string().nullable() }),
          )
        ).map((c) => [c.contact_id, c]),
  );
  return {
    accountId: a,
    total: count.total,
    items: found.map((r) => {
      const contact = r.contact_id ? contacts.get(r.contact_id) : undefined;
      const data = JSON.parse(r.data) as Record<string, unknown>;
      return {
        at: r.at,
        eventId: r.event_id,
        department: r.department,
        type: r.type,
        summary: summarize(r.type, data),
        contactId: r.contact_id,
        contactName: contact?.name ?? null,
        contactEmail: contact?.email ?? null,
        amountCents: r.amount_cents,
      };
    }),
  };
}

/** A one-line account of an event, free of contact details and money. */
export function summarize(type: EventType, data: Record<string, unknown>): string {
  const s = (key: string): string | null => (typeof data[key] === 'string' ? (data[key] as string) : null);
  const paren = (...parts: (string | null)[]) => {
    const present = parts.filter((p): p is string => p !== null && p !== '');
    return present.length > 0 ? ` (${present.join(', ')})` : '';
  };
  switch (type) {
    case 'touch':
      return `Touch by ${s('channel')}${paren(s('touchType'), s('campaignId') && `campaign ${s('campaignId')}`)}`;
    case 'lead.created':
      return `Lead ${s('contactId')} created${paren(s('source') && `source ${s('source')}`, s('campaignId') && `campaign ${s('campaignId')}`)}`;
    case 'lead.followed_up':
      return `Lead ${s('contactId')} followed up by ${s('activity')}${paren(s('ownerId') && `owner ${s('ownerId')}`)}`;
    case 'lead.qualified':
      return `Lead ${s('contactId')} qualified${paren(s('reason'))}`;
    case 'lead.disqualified':
      return `Lead ${s('contactId')} disqualified: ${s('reason')}`;
    case 'opportunity.created':
      return `Opportunity ${s('opportunityId')} created${paren(s('dealType'), s('stage') && `stage ${s('stage')}`)}`;
    case 'opportunity.updated':
      return `Opportunity ${s('opportunityId')} updated${paren(
        s('stage') && `stage ${s('stage')}`,
        s('expectedCloseAt') && `expected close ${s('expectedCloseAt')}`,
      )}`;
    case 'opportunity.won':
      return `Opportunity ${s('opportunityId')} won`;
    case 'opportunity.lost':
      return `Opportunity ${s('opportunityId')} lost${paren(s('reason'))}`;
    case 'onboarding.started':
      return `Onboarding of ${s('opportunityId')} started`;
    case 'onboarding.completed':
      return `Onboarding of ${s('opportunityId')} completed`;
    case 'account.renewed':
      return 'Account renewed';
    case 'account.expanded':
      return 'Account expanded';
    case 'account.churned':
      return `Account churned${paren(s('reason'))}`;
    case 'account.advocacy':
      return `Advocacy: ${(s('kind') ?? '').replace('_', ' ')}`;
    case 'ticket.opened':
      return `Ticket ${s('ticketId')} opened${paren(s('category'), s('priority') && `priority ${s('priority')}`)}`;
    case 'ticket.resolved':
      return `Ticket ${s('ticketId')} resolved${paren(typeof data.csat === 'number' ? `CSAT ${data.csat}` : null)}`;
    case 'campaign.upserted':
    case 'campaign.spend':
    case 'capacity.set':
      return type;
  }
}
