// Bulk loader of the query benchmark: 1M journeys and about 10M touches written straight into the
// read model and the raw `events` log with set-based INSERT ... SELECT generate_series, so that the
// dashboard procedures can be timed at the size the budgets name. Every value is a deterministic
// function of the row number (hashint8), so two loads give the same tables.
//
// What the data is: 200k accounts, leads from eight channels with their campaigns, 1-19 touches
// per lead (the first before the inquiry, the rest nurture), follow-ups, qualification and
// disqualification with reasons at per-channel rates, opportunities of four deal types won, lost or
// open, onboardings, tickets, renewals, expansions, advocacy and churn, daily campaign spend, weekly
// capacity, and each won opportunity's attribution credits for every model. Derived columns follow
// the projection's rules (reach times "at least stage k", source, journey account). Credits are
// computed set-based over the deal's own contact's touches and its lead.created (the projection
// also counts the other leads of the account), with model weights rounded per touch. Journeys,
// opportunities and tickets are written in time order, as ingestion appends them, so their tables
// are laid out the way a live one would be.
import postgres from 'postgres';

export const SPAN_START = '2024-11-22T00:00:00Z';
/** The instant the data ends: nothing happens after it; open items are judged at it. */
export const DATA_END = '2026-11-22T00:00:00Z';

export interface LoadOptions {
  leads: number;
  accounts: number;
  tickets: number;
  log?: (line: string) => void;
}

export interface LoadFigures {
  seconds: number;
  steps: { step: string; seconds: number }[];
  rows: Record<string, number>;
}

type Sql = postgres.Sql;

const channels: [string, number, number, number, number, string[], string[]][] = [
  // channel, lead weight, campaigns, qualify rate, win factor, touch types, disqualify reasons
  ['paid_search', 24, 6, 0.3, 1, ['ad_click', 'page_view', 'pricing_view'], ['no budget', 'wrong company size', 'no need', 'unreachable']],
  ['organic_search', 18, 1, 0.34, 1.05, ['page_view', 'blog_read', 'pricing_view'], ['no need', 'student or job seeker', 'no budget']],
  ['social', 14, 5, 0.18, 0.8, ['ad_click', 'post_engagement', 'page_view'], ['no budget', 'no need', 'unreachable']],
  ['email', 11, 6, 0.26, 0.95, ['email_click', 'email_open', 'webinar_registration'], ['bad timing', 'no need', 'unreachable']],
  ['referral', 9, 1, 0.55, 1.35, ['referral_link', 'page_view'], ['bad timing', 'wrong company size']],
  ['events', 9, 5, 0.4, 1.1, ['booth_scan', 'talk_attended', 'meeting_booked'], ['bad timing', 'no budget', 'wrong company size']],
  ['display', 8, 4, 0.12, 0.7, ['ad_view', 'ad_click'], ['no need', 'wrong company size', 'unreachable']],
  ['partner', 7, 2, 0.45, 1.2, ['partner_referral', 'co_webinar', 'page_view'], ['wrong company size', 'bad timing', 'no budget']],
];

/** Event id ranges: touches take 1..T, every other event type its own block above. */
const BLOCK = 10_000_000_000;
const base = {
  leadCreated: 1 * BLOCK,
  followedUp: 2 * BLOCK,
  qualified: 3 * BLOCK,
  disqualified: 4 * BLOCK,
  oppCreated: 5 * BLOCK,
  oppClosed: 6 * BLOCK,
  onboardingStarted: 7 * BLOCK,
  onboardingCompleted: 8 * BLOCK,
  ticketOpened: 9 * BLOCK,
  ticketResolved: 10 * BLOCK,
  renewed: 11 * BLOCK,
  expanded: 12 * BLOCK,
  advocacy: 13 * BLOCK,
  churned: 14 * BLOCK,
  campaign: 15 * BLOCK,
  spend: 16 * BLOCK,
  capacity: 17 * BLOCK,
};

const factTables = [
  'events', 'touches', 'campaign_spend', 'account_events', 'identity_links', 'leads', 'accounts', 'campaigns',
  'opportunities', 'onboardings', 'capacity', 'tickets', 'attribution_credits',
];

async function step(figures: LoadFigures, log: (line: string) => void, name: string, run: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  figures.steps.push({ step: name, seconds });
  log(`  ${name}: ${seconds.toFixed(1)} s`);
}

/** Runs statements one after another on one connection of the pool. */
async function serial(sql: Sql, statements: string[]): Promise<void> {
  await sql.begin(async (tx) => {
    await tx.unsafe(`set local synchronous_commit = off`);
    await tx.unsafe(`set local maintenance_work_mem = '256MB'`);
    await tx.unsafe(`set local work_mem = '128MB'`);
    for (const statement of statements) await tx.unsafe(statement);
  });
}

/** Loads an empty, migrated read model. */
export async function loadQueryData(url: string, options: LoadOptions): Promise<LoadFigures> {
  const log = options.log ?? (() => {});
  const sql = postgres(url, { max: 2, onnotice: () => {}, idle_timeout: 30 });
  const figures: LoadFigures = { seconds: 0, steps: [], rows: {} };
  const started = performance.now();
  const T0 = `'${SPAN_START}'::timestamptz`;
  const T1 = `'${DATA_END}'::timestamptz`;
  const N = options.leads;
  const A = options.accounts;
  try {
    // Secondary indexes are dropped for the load and built once at the end (far cheaper than
    // maintaining them row by row); their definitions come from the catalog, so new ones follow.
    const indexes = await sql<{ indexdef: string; indexname: string }[]>`
      select i.indexname, i.indexdef from pg_indexes i
      where i.schemaname = 'public' and i.tablename = any(${factTables})
        and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`;
    await step(figures, log, 'prepare', async () => {
      await sql.unsafe(`truncate ${factTables.join(', ')}`);
      for (const index of indexes) await sql.unsafe(`drop index if exists "${index.indexname}"`);
      await sql.unsafe(`drop schema if exists bench cascade`);
      await sql.unsafe(`create schema bench`);
      await sql.unsafe(`create function bench.rnd(i bigint, salt int) returns float8 language sql immutable parallel safe
        as $$ select (hashint8(i * 7919 + salt) & 2147483647)::float8 / 2147483648.0 $$`);
      await sql.unsafe(`create unlogged table bench.channels as
        select * from jsonb_to_recordset('${JSON.stringify(
          channels.map(([channel, weight, campaigns, qualify, win, touchTypes, reasons], k) => {
            const total = channels.reduce((s, c) => s + c[1], 0);
            const lo = channels.slice(0, k).reduce((s, c) => s + c[1], 0) / total;
            return { k, channel, lo, hi: lo + weight / total, campaigns, qualify, win, touch_types: touchTypes, reasons };
          }),
        )}'::jsonb) as c(k int, channel text, lo float8, hi float8, campaigns int, qualify float8, win float8,
          touch_types text[], reasons text[])`);
      await sql.unsafe(`update bench.channels set hi = 1.0000001 where k = ${channels.length - 1}`);
      await sql.unsafe(`delete from api_keys where id between 9001 and 9004`);
      await sql.unsafe(`insert into api_keys (id, name, department, key_hash, prefix) values
        (9001, 'bench marketing', 'marketing', 'bench-marketing', 'bench1'),
        (9002, 'bench sales', 'sales', 'bench-sales', 'bench2'),
        (9003, 'bench operations', 'operations', 'bench-operations', 'bench3'),
        (9004, 'bench service', 'service', 'bench-service', 'bench4')`);
    });

    // The plan of every journey: one row per lead with every time and outcome it will have.
    await step(figures, log, 'plan journeys', () =>
      serial(sql, [
        `create unlogged table bench.lp as
        with b as (
          select i, bench.rnd(i, 1) as r_channel,
            ${T0} + bench.rnd(i, 5) * (${T1} - ${T0} - interval '1 day') as inquiry_at
          from generate_series(1, ${N}) i
        ), c as (
          select b.i, b.inquiry_at, ch.channel, ch.touch_types, ch.reasons, ch.qualify, ch.win,
            'c' || lpad(b.i::text, 7, '0') as contact_id,
            'acc' || lpad((1 + floor(bench.rnd(b.i, 2) * ${A}))::int::text, 6, '0') as account_id,
            case when bench.rnd(b.i, 3) < 0.75 then ch.channel || '-' || (1 + floor(bench.rnd(b.i, 4) * ch.campaigns))::int end as campaign_id,
            1 + floor(bench.rnd(b.i, 6) * 19)::int as n_touches,
            b.inquiry_at - (0.1 + bench.rnd(b.i, 7) * 30) * interval '1 day' as first_touch_at,
            case when bench.rnd(b.i, 8) < 0.85 then least(b.inquiry_at + power(bench.rnd(b.i, 9), 2) * interval '96 hours', ${T1} - interval '1 second') end as followed_up_at,
            bench.rnd(b.i, 10) < ch.qualify as qualified,
            bench.rnd(b.i, 11) as r_outcome,
            bench.rnd(b.i, 12) as r_after
          from b join bench.channels ch on b.r_channel >= ch.lo and b.r_channel < ch.hi
        ), q as (
          select c.*,
            case when qualified then c.inquiry_at + bench.rnd(c.i, 13) * interval '14 days' end as qualified_at,
            case when not qualified and bench.rnd(c.i, 14) < 0.55 then c.inquiry_at + bench.rnd(c.i, 15) * interval '20 days' end as disqualified_at,
            c.reasons[1 + floor(bench.rnd(c.i, 16) * array_length(c.reasons, 1))::int] as disqualified_reason,
            qualified and bench.rnd(c.i, 17) < 0.7 as has_opportunity
          from c
        ), o as (
          select q.*,
            case when has_opportunity then q.qualified_at + bench.rnd(q.i, 18) * interval '10 days' end as opp_created_at,
            case when bench.rnd(q.i, 19) < 0.7 then 'new_business' when bench.rnd(q.i, 19) < 0.85 then 'upsell'
                 when bench.rnd(q.i, 19) < 0.95 then 'partner' else 'renewal' end as deal_type,
            (500000 + floor(bench.rnd(q.i, 20) * 7500000))::bigint as amount_cents,
            (5 + bench.rnd(q.i, 21) * 110) * interval '1 day' as close_after
          from q
        )
        select o.*,
          case when not has_opportunity then null
               when opp_created_at + close_after >= ${T1} then 'open'
               when r_outcome < 0.32 * win then 'won'
               when r_outcome < 0.85 then 'lost'
               else 'open' end as status
        from o`,
        `alter table bench.lp add primary key (i)`,
        `create unlogged table bench.lw as
        select i, contact_id, account_id, opp_created_at + close_after as won_at, amount_cents, r_after,
          case when r_after < 0.6 and opp_created_at + close_after + interval '365 days' < ${T1}
            then opp_created_at + close_after + interval '365 days' end as renewed_at,
          case when r_after < 0.25 and opp_created_at + close_after + (60 + r_after * 800) * interval '1 day' < ${T1}
            then opp_created_at + close_after + (60 + r_after * 800) * interval '1 day' end as expanded_at,
          case when bench.rnd(i, 30) < 0.1 and opp_created_at + close_after + bench.rnd(i, 31) * interval '200 days' < ${T1}
            then opp_created_at + close_after + bench.rnd(i, 31) * interval '200 days' end as advocacy_at,
          case when bench.rnd(i, 32) < 0.08 and opp_created_at + close_after + (200 + bench.rnd(i, 33) * 400) * interval '1 day' < ${T1}
            then opp_created_at + close_after + (200 + bench.rnd(i, 33) * 400) * interval '1 day' end as churned_at,
          case when bench.rnd(i, 34) < 0.9 and opp_created_at + close_after + bench.rnd(i, 35) * interval '10 days' < ${T1}
            then opp_created_at + close_after + bench.rnd(i, 35) * interval '10 days' end as onboarding_started_at
        from bench.lp where status = 'won'`,
        `alter table bench.lp add column touch_base bigint`,
        `update bench.lp p set touch_base = s.touch_base from (
          select i, sum(n_touches) over (order by i) - n_touches as touch_base from bench.lp) s where s.i = p.i`,
      ]),
    );

    // Touches and their events: the two big tables, one per connection.
    const touchRows = `
      select p.touch_base + k + 1 as id, 't' || (p.touch_base + k + 1) as event_id, p.contact_id,
        case when k = 0 or bench.rnd(p.touch_base + k, 40) < 0.5 then p.channel
             else (array['email', 'organic_search', 'paid_search', 'social', 'events'])[1 + floor(bench.rnd(p.touch_base + k, 41) * 5)::int] end as channel,
        p.campaign_id as lead_campaign_id, p.touch_types,
        bench.rnd(p.touch_base + k, 42) as r_type,
        least(${T1} - interval '1 second',
          case when k = 0 then p.first_touch_at
               else p.first_touch_at + (k::float8 / greatest(p.n_touches - 1, 1)) * (p.inquiry_at + interval '60 days' - p.first_touch_at) end) as occurred_at
      from bench.lp p cross join lateral generate_series(0, p.n_touches - 1) k`;
    await step(figures, log, 'touches + touch events', () =>
      Promise.all([
        serial(sql, [
          `insert into touches (event_pk, event_id, contact_id, anonymous_id, resolved_contact_id, channel, campaign_id, touch_type, url, occurred_at)
          select t.id, t.event_id, t.contact_id, null, t.contact_id, t.channel,
            case when t.lead_campaign_id like t.channel || '-%' then t.lead_campaign_id end,
            t.touch_types[1 + floor(t.r_type * array_length(t.touch_types, 1))::int], null, t.occurred_at
          from (${touchRows}) t`,
        ]),
        serial(sql, [
          `insert into events (id, api_key_id, department, event_id, type, occurred_at, received_at, entity_key, account_id, data)
          select t.id, 9001, 'marketing', t.event_id, 'touch', t.occurred_at, t.occurred_at, t.contact_id, null,
            jsonb_strip_nulls(jsonb_build_object('contactId', t.contact_id, 'channel', t.channel,
              'campaignId', case when t.lead_campaign_id like t.channel || '-%' then t.lead_campaign_id end,
              'touchType', t.touch_types[1 + floor(t.r_type * array_length(t.touch_types, 1))::int]))
          from (${touchRows}) t`,
        ]),
      ]),
    );

    const ev = (id: string, key: number, dept: string, eventId: string, type: string, at: string, entity: string, account: string, data: string) =>
      `select ${id} as id, ${key} as api_key_id, '${dept}' as department, ${eventId} as event_id, ${type} as type,
        ${at} as occurred_at, ${at} as received_at, ${entity} as entity_key, ${account} as account_id, ${data} as data`;
    const insertEvents = (selects: string) =>
      `insert into events (id, api_key_id, department, event_id, type, occurred_at, received_at, entity_key, account_id, data) ${selects}`;

    await step(figures, log, 'lead, opportunity, ticket and account events', () =>
      Promise.all([
        serial(sql, [
          insertEvents(`${ev(`${base.leadCreated} + i`, 9001, 'marketing', `'lc' || i`, `'lead.created'`, 'inquiry_at', 'contact_id', 'account_id',
            `jsonb_strip_nulls(jsonb_build_object('contactId', contact_id, 'accountId', account_id, 'email', contact_id || '@example.com',
              'name', 'Contact ' || i, 'company', 'Company ' || substr(account_id, 4), 'source', channel, 'campaignId', campaign_id))`)}
            from bench.lp`),
          insertEvents(`${ev(`${base.followedUp} + i`, 9002, 'sales', `'fu' || i`, `'lead.followed_up'`, 'followed_up_at', 'contact_id', 'null',
            `jsonb_build_object('contactId', contact_id, 'activity', 'call', 'ownerId', 'rep' || (1 + i % 40))`)}
            from bench.lp where followed_up_at is not null`),
          insertEvents(`${ev(`${base.qualified} + i`, 9002, 'sales', `'lq' || i`, `'lead.qualified'`, 'qualified_at', 'contact_id', 'null',
            `jsonb_build_object('contactId', contact_id)`)} from bench.lp where qualified_at is not null`),
          insertEvents(`${ev(`${base.disqualified} + i`, 9002, 'sales', `'ld' || i`, `'lead.disqualified'`, 'disqualified_at', 'contact_id', 'null',
            `jsonb_build_object('contactId', contact_id, 'reason', disqualified_reason)`)} from bench.lp where disqualified_at is not null`),
          insertEvents(`${ev(`${base.oppCreated} + i`, 9002, 'sales', `'oc' || i`, `'opportunity.created'`, 'opp_created_at', `'opp' || lpad(i::text, 7, '0')`, 'account_id',
            `jsonb_build_object('opportunityId', 'opp' || lpad(i::text, 7, '0'), 'accountId', account_id, 'contactId', contact_id,
              'amountCents', amount_cents, 'dealType', deal_type, 'stage', 'discovery')`)} from bench.lp where has_opportunity`),
          insertEvents(`${ev(`${base.oppClosed} + i`, 9002, 'sales', `'ow' || i`, `'opportunity.' || status`, 'opp_created_at + close_after',
            `'opp' || lpad(i::text, 7, '0')`, 'null',
            `case when status = 'won' then jsonb_build_object('opportunityId', 'opp' || lpad(i::text, 7, '0'), 'amountCents', amount_cents)
              else jsonb_build_object('opportunityId', 'opp' || lpad(i::text, 7, '0'), 'reason', 'price') end`)}
            from bench.lp where status in ('won', 'lost')`),
        ]),
        serial(sql, [
          `insert into leads (contact_id, account_id, email, name, company, declared_source, campaign_id, anonymous_id, source,
            journey_account_id, converted_opportunity_id, first_follow_up_at, follow_up_owner_id, disqualified_at, disqualified_reason,
            awareness_at, inquiry_at, qualification_at, conversion_at, retention_at, expansion_at, advocacy_at, stage)
          select p.contact_id, p.account_id, p.contact_id || '@example.com', 'Contact ' || p.i, 'Company ' || substr(p.account_id, 4),
            p.channel, p.campaign_id, null, p.channel, p.account_id,
            case when p.status = 'won' then 'opp' || lpad(p.i::text, 7, '0') end,
            p.followed_up_at, case when p.followed_up_at is not null then 'rep' || (1 + p.i % 40) end,
            p.disqualified_at, case when p.disqualified_at is not null then p.disqualified_reason end,
            p.first_touch_at, p.inquiry_at, least(p.qualified_at, p.opp_created_at), w.won_at,
            least(w.renewed_at, w.expanded_at, w.advocacy_at), least(w.expanded_at, w.advocacy_at), w.advocacy_at,
            case when w.advocacy_at is not null then 7 when least(w.expanded_at, w.advocacy_at) is not null then 6
                 when least(w.renewed_at, w.expanded_at, w.advocacy_at) is not null then 5 when w.won_at is not null then 4
                 when p.qualified_at is not null then 3 else 2 end
          from bench.lp p left join bench.lw w on w.i = p.i
          order by p.inquiry_at`,
          `insert into opportunities (opportunity_id, account_id, contact_id, deal_type, stage, amount_cents, created_at, expected_close_at,
            status, won_at, lost_at, lost_reason)
          select 'opp' || lpad(i::text, 7, '0'), account_id, contact_id, deal_type, 'discovery', amount_cents, opp_created_at,
            opp_created_at + close_after, status,
            case when status = 'won' then opp_created_at + close_after end,
            case when status = 'lost' then opp_created_at + close_after end,
            case when status = 'lost' then 'price' end
          from bench.lp where has_opportunity
          order by opp_created_at`,
          `insert into onboardings (opportunity_id, account_id, started_at, completed_at)
          select 'opp' || lpad(i::text, 7, '0'), account_id, onboarding_started_at,
            case when bench.rnd(i, 36) < 0.75 and onboarding_started_at + interval '30 days' < ${T1} then onboarding_started_at + interval '30 days' end
          from bench.lw where onboarding_started_at is not null`,
          insertEvents(`${ev(`${base.onboardingStarted} + i`, 9003, 'operations', `'os' || i`, `'onboarding.started'`, 'started_at',
            'opportunity_id', 'account_id', `jsonb_build_object('opportunityId', opportunity_id, 'accountId', account_id)`)}
            from onboardings o cross join lateral (select substr(o.opportunity_id, 4)::bigint as i) x`),
          insertEvents(`${ev(`${base.onboardingCompleted} + i`, 9003, 'operations', `'oe' || i`, `'onboarding.completed'`, 'completed_at',
            'opportunity_id', 'account_id', `jsonb_build_object('opportunityId', opportunity_id, 'accountId', account_id)`)}
            from onboardings o cross join lateral (select substr(o.opportunity_id, 4)::bigint as i) x where completed_at is not null`),
          `insert into account_events (event_pk, event_id, account_id, kind, amount_cents, reason, advocacy_kind, contact_id, occurred_at)
          select ${base.renewed} + i, 'ar' || i, account_id, 'renewed', amount_cents, null, null, null, renewed_at from bench.lw where renewed_at is not null
          union all
          select ${base.expanded} + i, 'ax' || i, account_id, 'expanded', (amount_cents * (0.1 + r_after))::bigint, null, null, null, expanded_at
            from bench.lw where expanded_at is not null
          union all
          select ${base.advocacy} + i, 'aa' || i, account_id, 'advocacy', null, null,
            (array['referral', 'review', 'case_study'])[1 + floor(bench.rnd(i, 37) * 3)::int], contact_id, advocacy_at
            from bench.lw where advocacy_at is not null
          union all
          select ${base.churned} + i, 'ah' || i, account_id, 'churned', null, 'budget cut', null, null, churned_at
            from bench.lw where churned_at is not null`,
          insertEvents(`select event_pk, 9003, 'operations', event_id, 'account.' || kind, occurred_at, occurred_at, account_id, account_id,
            jsonb_strip_nulls(jsonb_build_object('accountId', account_id, 'amountCents', amount_cents, 'reason', reason,
              'kind', advocacy_kind, 'contactId', contact_id)) from account_events`),
          `insert into tickets (ticket_id, account_id, contact_id, category, priority, opened_at, resolved_at, csat)
          select 'tk' || lpad(j::text, 7, '0'), p.account_id, p.contact_id,
            (array['billing', 'bug', 'how-to', 'outage'])[1 + floor(bench.rnd(j, 51) * 4)::int],
            (array['low', 'normal', 'high'])[1 + floor(bench.rnd(j, 52) * 3)::int],
            x.opened_at,
            case when bench.rnd(j, 53) < 0.93 and x.opened_at + power(bench.rnd(j, 54), 2) * interval '200 hours' < ${T1}
              then x.opened_at + power(bench.rnd(j, 54), 2) * interval '200 hours' end,
            case when bench.rnd(j, 55) < 0.5 then 1 + floor(bench.rnd(j, 56) * 5)::int end
          from generate_series(1, ${options.tickets}) j
          join bench.lp p on p.i = 1 + floor(bench.rnd(j, 50) * ${N})::int
          cross join lateral (select ${T0} + bench.rnd(j, 57) * (${T1} - ${T0} - interval '1 hour') as opened_at) x
          order by x.opened_at`,
          insertEvents(`${ev(`${base.ticketOpened} + substr(ticket_id, 3)::bigint`, 9004, 'service', `'to' || ticket_id`, `'ticket.opened'`, 'opened_at',
            'ticket_id', 'account_id', `jsonb_strip_nulls(jsonb_build_object('ticketId', ticket_id, 'accountId', account_id, 'contactId', contact_id,
              'category', category, 'priority', priority))`)} from tickets`),
          insertEvents(`${ev(`${base.ticketResolved} + substr(ticket_id, 3)::bigint`, 9004, 'service', `'tr' || ticket_id`, `'ticket.resolved'`, 'resolved_at',
            'ticket_id', 'null', `jsonb_strip_nulls(jsonb_build_object('ticketId', ticket_id, 'csat', csat))`)} from tickets where resolved_at is not null`),
        ]),
      ]),
    );

    await step(figures, log, 'accounts, campaigns, spend, capacity', () =>
      serial(sql, [
        `insert into accounts (account_id, name, first_seen_at, churned_at, churn_reason)
        select p.account_id, 'Company ' || substr(p.account_id, 4), min(p.inquiry_at), c.churned_at, case when c.churned_at is not null then 'budget cut' end
        from bench.lp p left join (select account_id, min(occurred_at) as churned_at from account_events where kind = 'churned' group by account_id) c
          on c.account_id = p.account_id
        group by p.account_id, c.churned_at`,
        `insert into campaigns (campaign_id, name, channel, budget_cents, updated_at)
        select ch.channel || '-' || n, initcap(replace(ch.channel, '_', ' ')) || ' campaign ' || n, ch.channel, 5000000 * n, ${T0}
        from bench.channels ch cross join lateral generate_series(1, ch.campaigns) n`,
        insertEvents(`select ${base.campaign} + row_number() over (order by campaign_id), 9001, 'marketing', 'cu-' || campaign_id, 'campaign.upserted',
          updated_at, updated_at, campaign_id, null, jsonb_build_object('campaignId', campaign_id, 'name', name, 'channel', channel, 'budgetCents', budget_cents)
          from campaigns`),
        `insert into campaign_spend (event_pk, campaign_id, spend_date, amount_cents)
        select ${base.spend} + row_number() over (order by c.campaign_id, d), c.campaign_id, d::date,
          (20000 + bench.rnd(hashtext(c.campaign_id)::bigint * 1000 + (d::date - date '2024-01-01'), 60) * 60000)::bigint
        from campaigns c cross join generate_series(${T0}, ${T1} - interval '1 day', interval '1 day') d`,
        insertEvents(`select s.event_pk, 9001, 'marketing', 'cs' || s.event_pk, 'campaign.spend', s.spend_date::timestamptz, s.spend_date::timestamptz,
          s.campaign_id, null, jsonb_build_object('campaignId', s.campaign_id, 'amountCents', s.amount_cents, 'date', s.spend_date::text)
          from campaign_spend s`),
        `insert into capacity (week, week_start, slots)
        select to_char(d, 'IYYY-"W"IW'), d::date, 120 + floor(bench.rnd(extract(epoch from d)::bigint, 70) * 80)::int
        from generate_series(date_trunc('week', ${T0}), ${T1} + interval '20 weeks', interval '1 week') d`,
        insertEvents(`select ${base.capacity} + row_number() over (order by week), 9003, 'operations', 'cap-' || week, 'capacity.set',
          week_start::timestamptz, week_start::timestamptz, week, null, jsonb_build_object('week', week, 'slots', slots) from capacity`),
        `select setval(pg_get_serial_sequence('events', 'id'), (select max(id) from events))`,
      ]),
    );

    await step(figures, log, 'indexes', async () => {
      // Two at a time: one per core.
      const queue = [...indexes];
      const worker = async () => {
        for (let index = queue.shift(); index; index = queue.shift()) await serial(sql, [index.indexdef]);
      };
      await Promise.all([worker(), worker()]);
    });

    // Credits of each won deal over its contact's touches in the 365-day lookback plus its
    // lead.created, every model's weight per position, rounded to cents per touch.
    await step(figures, log, 'attribution credits', () =>
      serial(sql, [
        `insert into attribution_credits (opportunity_id, model, touch_ref, channel, campaign_id, won_at, credit_cents, touch_at, touch_kind)
        with path as (
          select w.i, w.won_at, w.amount_cents, t.event_id as ref, t.occurred_at as at, t.channel, t.campaign_id, 'touch' as kind
          from bench.lw w join touches t on t.resolved_contact_id = w.contact_id
            and t.occurred_at >= w.won_at - interval '365 days' and t.occurred_at <= w.won_at
          union all
          select w.i, w.won_at, w.amount_cents, 'lc' || w.i, p.inquiry_at, p.channel, p.campaign_id, 'lead.created'
          from bench.lw w join bench.lp p on p.i = w.i where p.inquiry_at >= w.won_at - interval '365 days'
        ), ranked as (
          select path.*, row_number() over (partition by i order by at, ref) as pos, count(*) over (partition by i) as n,
            power(2, -extract(epoch from (won_at - at)) / (7 * 86400)) as decay,
            sum(power(2, -extract(epoch from (won_at - at)) / (7 * 86400))) over (partition by i) as decay_sum
          from path
        ), weighted as (
          select r.*, m.model,
            case m.model
              when 'first_touch' then (pos = 1)::int::float8
              when 'last_touch' then (pos = n)::int::float8
              when 'linear' then 1.0 / n
              when 'u_shaped' then case when n <= 2 then 1.0 / n when pos = 1 or pos = n then 0.4 else 0.2 / (n - 2) end
              when 'w_shaped' then case when n <= 3 then 1.0 / n when pos in (1, (n + 1) / 2, n) then 0.3 else 0.1 / (n - 3) end
              when 'full_path' then case when n <= 4 then 1.0 / n when pos in (1, (n + 1) / 2, n - 1, n) then 0.225 else 0.1 / (n - 4) end
              else decay / nullif(decay_sum, 0) end as weight
          from ranked r cross join (values ('first_touch'), ('last_touch'), ('linear'), ('u_shaped'), ('w_shaped'), ('full_path'), ('time_decay')) m(model)
        )
        select 'opp' || lpad(i::text, 7, '0'), model, ref, channel, campaign_id, won_at, round(amount_cents * coalesce(weight, 0))::bigint, at, kind
        from weighted`,
      ]),
    );

    await step(figures, log, 'analyze', async () => {
      await sql.unsafe(`drop schema bench cascade`);
      await sql.unsafe(`vacuum analyze`);
    });
    for (const table of factTables) {
      const [count] = await sql.unsafe<{ n: number }[]>(`select count(*)::float8 as n from ${table}`);
      figures.rows[table] = Number(count?.n ?? 0);
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
  figures.seconds = (performance.now() - started) / 1000;
  return figures;
}
