// The answers of two reports computed straight from the raw `events` log, without the read model,
// to measure what the projection saves: a cohort's stage counts and linear attribution by channel.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '~/server/db/client';
import { inRange, type DateRange } from '~/server/metrics/filters';

/** Stage counts of the journeys whose inquiry falls in the range, each reach time derived from events. */
export async function rawFunnelCounts(db: Db, range: DateRange): Promise<Record<string, number>[]> {
  return rows<Record<string, number>>(
    db,
    sql`with opp as (
      select c.entity_key as opportunity_id, c.data->>'contactId' as contact_id, c.data->>'accountId' as account_id,
        c.occurred_at as created_at, w.occurred_at as won_at
      from events c left join events w on w.type = 'opportunity.won' and w.entity_key = c.entity_key
      where c.type = 'opportunity.created' and c.data->>'contactId' is not null
    ),
    per_contact as (
      select entity_key as contact_id,
        min(occurred_at) filter (where type = 'touch') as first_touch,
        min(occurred_at) filter (where type = 'lead.created') as inquiry_seen,
        min(occurred_at) filter (where type = 'lead.qualified') as qualified_seen
      from events where type in ('touch', 'lead.created', 'lead.qualified')
      group by entity_key
    ),
    won as (
      select contact_id, min(created_at) as opportunity_seen, min(won_at) as won_at,
        (array_agg(account_id order by won_at) filter (where won_at is not null))[1] as won_account
      from opp group by contact_id
    ),
    later as (
      select w.contact_id,
        min(e.occurred_at) filter (where e.type = 'account.renewed') as renewed,
        min(e.occurred_at) filter (where e.type = 'account.expanded') as expanded,
        min(e.occurred_at) filter (where e.type = 'account.advocacy') as advocacy
      from won w join events e on e.type in ('account.renewed', 'account.expanded', 'account.advocacy')
        and e.entity_key = w.won_account and e.occurred_at >= w.won_at
        and (e.type <> 'account.advocacy' or e.data->>'contactId' = w.contact_id)
      where w.won_at is not null
      group by w.contact_id
    ),
    reach as (
      select least(p.first_touch, p.inquiry_seen, p.qualified_seen, w.opportunity_seen, w.won_at) as awareness_at,
        least(p.inquiry_seen, p.qualified_seen, w.opportunity_seen, w.won_at) as inquiry_at,
        least(p.qualified_seen, w.opportunity_seen, w.won_at) as qualification_at,
        w.won_at as conversion_at,
        least(x.renewed, x.expanded, x.advocacy) as retention_at,
        least(x.expanded, x.advocacy) as expansion_at,
        x.advocacy as advocacy_at
      from per_contact p
      left join won w on w.contact_id = p.contact_id
      left join later x on x.contact_id = p.contact_id
    )
    select count(awareness_at)::int as awareness, count(inquiry_at)::int as inquiry, count(qualification_at)::int as qualification,
      count(conversion_at)::int as conversion, count(retention_at)::int as retention, count(expansion_at)::int as expansion,
      count(advocacy_at)::int as advocacy
    from reach where ${inRange(sql`inquiry_at`, range)}`,
  );
}

/** Linear credit by channel of the deals won in the range: each touch of the deal's contact in the year before the win, and its lead.created. */
export async function rawAttributionLinearByChannel(db: Db, range: DateRange): Promise<{ channel: string; revenue: number }[]> {
  return rows<{ channel: string; revenue: number }>(
    db,
    sql`with deal as (
      select w.entity_key as opportunity_id, w.occurred_at as won_at, c.data->>'contactId' as contact_id,
        coalesce((w.data->>'amountCents')::bigint, (c.data->>'amountCents')::bigint) as amount
      from events w join events c on c.type = 'opportunity.created' and c.entity_key = w.entity_key
      where w.type = 'opportunity.won' and ${inRange(sql`w.occurred_at`, range)}
    ),
    path as (
      select d.opportunity_id, d.amount, t.data->>'channel' as channel
      from deal d join events t on t.type = 'touch' and t.entity_key = d.contact_id
        and t.occurred_at between d.won_at - interval '365 days' and d.won_at
      union all
      select d.opportunity_id, d.amount, l.data->>'source'
      from deal d join events l on l.type = 'lead.created' and l.entity_key = d.contact_id
        and l.occurred_at between d.won_at - interval '365 days' and d.won_at
    ),
    credited as (
      select channel, amount::float8 / count(*) over (partition by opportunity_id) as credit from path
    )
    select channel, sum(credit)::float8 as revenue from credited group by channel order by revenue desc`,
  );
}
