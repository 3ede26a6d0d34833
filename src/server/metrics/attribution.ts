// Attribution: each won opportunity's credits per model and touch are stored when its touches or
// the opportunity change (during ingestion), and the reports only sum them.
import { isoText } from '~/server/db/time';
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { dbNumber, typedRows, type Db } from '~/server/db/client';
import { keyArray } from '~/server/db/params';
import { getSetting } from '~/server/settings';
import { refillAttributionRollup, rollupMode } from '~/server/projector/rollups';
import { attributeOpportunity, attributionModels, type AttributionModel, type AttributionTouch } from './attributionWeights';
import { attributionContributionRows } from '~/server/projector/rollups';
import { metricInput, type MetricInput } from './filters';
import { bucketsWhere, edgesWhere, rollupFilters, splitRange } from './rollupRange';

const opportunityIdRow = z.object({ opportunity_id: z.string() });

const epochMs = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);

/**
 * Recomputes the stored credits of every won opportunity a projected chunk may have changed: the
 * opportunities it names, and the won opportunities whose leads' touches, links or lead.created
 * changed (including the accounts those leads left or joined). `chunk` selects the chunk's events
 * over \`events e\`. Runs after the journeys are current; returns the opportunities recomputed.
 */
export async function recomputeAttributionForChunk(tx: Db, chunk: SQL): Promise<string[]> {
  // A new touch can only change deals won at or after it: the earliest touch time per contact (or
  // anonymousId) bounds the won deals to recompute.
  const affected = await typedRows(
    tx,
    sql`
    with chunk as materialized (
      select e.type, e.entity_key, e.occurred_at, e.data->>'contactId' as contact_id, e.data->>'anonymousId' as anonymous_id
      from events e
      where ${chunk} and e.type in ('touch', 'lead.created', 'opportunity.created', 'opportunity.updated', 'opportunity.won', 'opportunity.lost')
    ),
    opps as materialized (select array(select distinct entity_key from chunk where type like 'opportunity.%') as ids),
    touched as (
      select contact_id, min(occurred_at) as since from chunk where type = 'touch' and contact_id is not null group by contact_id
      union all
      select l.contact_id, x.since
      from (select anonymous_id, min(occurred_at) as since from chunk where type = 'touch' and contact_id is null group by anonymous_id) x
      join identity_links l on l.anonymous_id = x.anonymous_id
    ),
    -- Contacts whose touches changed (with the earliest new touch), and, from any time, the contacts
    -- of new leads, of re-tied anonymousIds, and of the chunk's opportunities (the one that counts may
    -- have changed); then their accounts, including the accounts those leads left or joined.
    c as (
      -- Without a declared source, a lead's source is its first touch's channel, which a later-
      -- arriving touch can change for deals of any date: no time bound then.
      select t.contact_id, case when j.declared_source is null then '-infinity'::timestamptz else t.since end as since
      from touched t left join leads j on j.contact_id = t.contact_id
      union all select entity_key, '-infinity'::timestamptz from chunk where type = 'lead.created'
      union all select entity_key, '-infinity'::timestamptz from events
        where type = 'lead.created'
          and data->>'anonymousId' = any(array(select anonymous_id from chunk where type = 'lead.created' and anonymous_id is not null))
      union all select data->>'contactId', '-infinity'::timestamptz from events
        where type = 'opportunity.created' and entity_key = any((select ids from opps)::text[]) and data->>'contactId' is not null
    ),
    cm as (select contact_id, min(since) as since from c group by contact_id),
    a as (
      -- Every account a lead.created ever gave the contact: the lead may just have left one.
      select e.account_id, cm.since from events e join cm on e.entity_key = cm.contact_id
        where e.type = 'lead.created' and e.account_id is not null
      union all select l.account_id, cm.since from leads l join cm on cm.contact_id = l.contact_id where l.account_id is not null
      union all select l.journey_account_id, cm.since from leads l join cm on cm.contact_id = l.contact_id where l.journey_account_id is not null
      union all select o.account_id, cm.since from opportunities o join cm on cm.contact_id = o.contact_id where o.account_id is not null
      union all select data->>'accountId', '-infinity'::timestamptz from events
        where type = 'opportunity.created' and entity_key = any((select ids from opps)::text[])
    ),
    am as (select account_id, min(since) as since from a group by account_id)
    select opportunity_id from opportunities where opportunity_id = any((select ids from opps)::text[])
    union select o.opportunity_id from opportunities o join am on am.account_id = o.account_id
      where o.status = 'won' and o.won_at >= am.since
    union select o.opportunity_id from opportunities o join cm on cm.contact_id = o.contact_id
      where o.status = 'won' and o.won_at >= cm.since`,
    opportunityIdRow,
  );
  const recomputed = affected.map((r) => r.opportunity_id);
  await recomputeAttributionCredits(tx, recomputed);
  return recomputed;
}

/** Every won opportunity's credits, e.g. after the lookback setting changed. */
export async function recomputeAllAttribution(db: Db): Promise<void> {
  const won = await typedRows(db, sql`select opportunity_id from opportunities where status = 'won'`, opportunityIdRow);
  await db.execute(sql`delete from attribution_credits`);
  await recomputeAttributionCredits(db, won.map((r) => r.opportunity_id));
  if ((await rollupMode(db)) === 'current') await refillAttributionRollup(db);
}

const opportunityRow = z.object({ opportunity_id: z.string(), amount: dbNumber, created_ms: dbNumber.nullable(), won_ms: dbNumber });

const touchRow = z.object({
  opportunity_id: z.string(),
  ref: z.string(),
  at_ms: dbNumber,
  channel: z.string(),
  campaign_id: z.string().nullable(),
  lead_creation: z.boolean(),
});

/**
 * Deletes and rewrites the credits of these opportunities (those not won keep none). The touches of
 * an opportunity: those of every lead of its account (lead account or journey account) and always
 * of its own contact, anonymous touches tied to them included, plus each lead's first lead.created
 * as a touch of the lead's source and campaign, all within [won - lookback, won].
 */
export async function recomputeAttributionCredits(tx: Db, opportunityIds: readonly string[]): Promise<void> {
  const ids = [...new Set(opportunityIds)];
  if (ids.length === 0) return;
  await tx.execute(sql`delete from attribution_credits where opportunity_id = any(${keyArray(ids)})`);

  const opportunities = await typedRows(
    tx,
    sql`select opportunity_id, coalesce(amount_cents, 0)::float8 as amount,
      ${epochMs('created_at')} as created_ms, ${epochMs('won_at')} as won_ms
    from opportunities
    where opportunity_id = any(${keyArray(ids)}) and status = 'won' and won_at is not null`,
    opportunityRow,
  );
  if (opportunities.length === 0) return;
  const lookbackDays = await getSetting(tx, 'attributionLookbackDays');

  const touches = await typedRows(
    tx,
    sql`
    with o as (
      select opportunity_id, account_id, contact_id, won_at, won_at - make_interval(secs => ${lookbackDays} * 86400) as since
      from opportunities
      where opportunity_id = any(${keyArray(opportunities.map((r) => r.opportunity_id))})
    ),
    ol as (
      select o.opportunity_id, l.contact_id, l.source, l.campaign_id from o join leads l on l.account_id = o.account_id
      union select o.opportunity_id, l.contact_id, l.source, l.campaign_id from o join leads l on l.journey_account_id = o.account_id
      union select o.opportunity_id, l.contact_id, l.source, l.campaign_id from o join leads l on l.contact_id = o.contact_id
    )
    select ol.opportunity_id, t.event_id as ref, ${epochMs('t.occurred_at')} as at_ms, t.channel, t.campaign_id, false as lead_creation
    from ol
    join o on o.opportunity_id = ol.opportunity_id
    join touches t on t.resolved_contact_id = ol.contact_id and t.occurred_at >= o.since and t.occurred_at <= o.won_at
    union all
    select ol.opportunity_id, lc.event_id, ${epochMs('lc.occurred_at')}, ol.source, ol.campaign_id, true
    from ol
    join o on o.opportunity_id = ol.opportunity_id
    join lateral (
      select e.event_id, e.occurred_at from events e
      where e.type = 'lead.created' and e.entity_key = ol.contact_id
      order by e.occurred_at, e.event_id, e.api_key_id limit 1
    ) lc on lc.occurred_at >= o.since and lc.occurred_at <= o.won_at`,
    touchRow,
  );

  const touchesOf = new Map<string, AttributionTouch[]>();
  for (const t of touches) {
    const list = touchesOf.get(t.opportunity_id) ?? [];
    list.push({ ref: t.ref, at: t.at_ms, channel: t.channel, campaignId: t.campaign_id, leadCreation: t.lead_creation });
    touchesOf.set(t.opportunity_id, list);
  }

  // One row per deal and touch, its credits in the order of \`attributionModels\`: every model
  // credits the same touches, so a touch travels once, not once per model.
  const credits: { o: string; r: string; ch: string; k: string | null; a: string | null; t: string; v: number[] }[] = [];
  for (const o of opportunities) {
    const opportunity = { amountCents: o.amount, createdAt: o.created_ms, wonAt: o.won_ms };
    const byRef = new Map<string, (typeof credits)[number]>();
    for (const c of attributeOpportunity(opportunity, touchesOf.get(o.opportunity_id) ?? [])) {
      let row = byRef.get(c.touchRef);
      if (!row) {
        row = {
          o: o.opportunity_id,
          r: c.touchRef,
          ch: c.channel,
          k: c.campaignId,
          a: c.touchAt === null ? null : new Date(c.touchAt).toISOString(),
          t: c.touchKind,
          v: attributionModels.map(() => 0),
        };
        byRef.set(c.touchRef, row);
        credits.push(row);
      }
      row.v[attributionModels.indexOf(c.model)] = c.creditCents;
    }
  }
  // The values came from the database, so they are storable as they are.
  await tx.execute(sql`
    insert into attribution_credits (opportunity_id, model, touch_ref, channel, campaign_id, won_at, credit_cents, touch_at, touch_kind)
    select c.o, m.model, c.r, c.ch, c.k, o.won_at, m.credit_cents, c.a, c.t
    from jsonb_to_recordset(${JSON.stringify(credits)}::jsonb) as c(o text, r text, ch text, k text, a timestamptz, t text, v bigint[])
    join opportunities o on o.opportunity_id = c.o
    cross join unnest(${sql.raw(`array[${attributionModels.map((m) => `'${m}'`).join(', ')}]`)}::text[], c.v) as m(model, credit_cents)`);
}

// ---------------------------------------------------------------- reports

export interface ModelCredit {
  revenueCents: number;
  /** won deals with a credit > 0 from this channel or campaign */
  influencedDeals: number;
}

export interface AttributionRow {
  /** the channel, or the campaign id (null: touches without a campaign) */
  key: string | null;
  /** the campaign's name where known */
  name: string | null;
  models: Record<AttributionModel, ModelCredit>;
}

export interface AttributionReport {
  models: readonly AttributionModel[];
  /** won opportunities with won time in range that pass the filters */
  deals: number;
  revenueCents: number;
  byChannel: AttributionRow[];
  byCampaign: AttributionRow[];
}

/** Rows per key, each with some models' credits; models not given are zero. Sorted by linear revenue, then key. */
export function pivot(groups: { key: string | null; name: string | null; models: Partial<Record<AttributionModel, ModelCredit>> }[]): AttributionRow[] {
  const byKey = new Map<string | null, AttributionRow>();
  for (const g of groups) {
    let row = byKey.get(g.key);
    if (!row) {
      const models = Object.fromEntries(attributionModels.map((m) => [m, { revenueCents: 0, influencedDeals: 0 }])) as Record<AttributionModel, ModelCredit>;
      row = { key: g.key, name: g.name, models };
      byKey.set(g.key, row);
    }
    Object.assign(row.models, g.models);
  }
  return [...byKey.values()].sort(
    (a, b) => b.models.linear.revenueCents - a.models.linear.revenueCents || (a.key ?? '').localeCompare(b.key ?? ''),
  );
}

/** Revenue credit and influenced deals by channel and by campaign, every model side by side. */
export async function attributionReport(db: Db, input: MetricInput): Promise<AttributionReport> {
  const { range, filters } = metricInput.parse(input);
  const split = splitRange(range);
  const measures = ['deals', 'amount_cents', ...attributionModels.flatMap((m) => [`revenue_${m}`, `influenced_${m}`])];
  // Whole days from the rollup, partial days from the deals won in them.
  const cells = sql`
    select kind, key, ${sql.raw(measures.join(', '))} from attribution_rollup
    where ${bucketsWhere(split)} and ${rollupFilters(filters)}
    union all
    select kind, key, ${sql.raw(measures.join(', '))} from (${attributionContributionRows(
      edgesWhere(split, sql.raw('o.won_at')),
    )}) e
    where ${rollupFilters(filters, 'e')}`;
  const found = await typedRows(
    db,
    sql`select x.kind, nullif(x.key, '') as key, ${sql.raw(measures.map((m) => `sum(x.${m})::float8 as ${m}`).join(', '))},
      max(k.name) as name
    from (${cells}) x left join campaigns k on x.kind = 'campaign' and k.campaign_id = x.key
    group by x.kind, x.key`,
    z.object({ kind: z.string(), key: z.string().nullable(), name: z.string().nullable() }).catchall(dbNumber.nullable()),
  );
  const total = found.find((r) => r.kind === 'total');
  const rowsOf = (kind: string) =>
    found
      .filter((r) => r.kind === kind)
      .map((r) => ({
        key: kind === 'channel' ? (r.key ?? '') : r.key,
        name: r.name,
        models: Object.fromEntries(
          attributionModels.map((m) => [m, { revenueCents: r[`revenue_${m}`] ?? 0, influencedDeals: r[`influenced_${m}`] ?? 0 }]),
        ),
      }));
  return {
    models: attributionModels,
    deals: total?.deals ?? 0,
    revenueCents: total?.amount_cents ?? 0,
    byChannel: pivot(rowsOf('channel')),
    byCampaign: pivot(rowsOf('campaign')),
  };
}

export interface DealTouch {
  ref: string;
  kind: 'touch' | 'lead.created' | 'unattributed';
  /** ISO time of the touch; null for 'unattributed' */
  at: string | null;
  channel: string;
  campaignId: string | null;
  credits: Record<AttributionModel, number>;
}

export interface AttributionDeal {
  opportunityId: string;
  accountId: string | null;
  amountCents: number;
  wonAt: string;
  touches: DealTouch[];
}

/** The touches behind one won deal, in path order, with each model's credit. Null when not won. */
export async function attributionDeal(db: Db, opportunityId: string): Promise<AttributionDeal | null> {
  const [deal] = await typedRows(
    db,
    sql`select account_id, coalesce(amount_cents, 0)::float8 as amount,
      ${isoText(sql`won_at`)} as won_at
    from opportunities where opportunity_id = ${opportunityId} and status = 'won'`,
    z.object({ account_id: z.string().nullable(), amount: dbNumber, won_at: z.string() }),
  );
  if (!deal) return null;
  const credits = await typedRows(
    db,
    sql`select touch_ref as ref, touch_kind as kind, channel, campaign_id, model, credit_cents::float8 as credit,
      ${isoText(sql`touch_at`)} as at
    from attribution_credits where opportunity_id = ${opportunityId}
    order by touch_at nulls last, touch_ref`,
    z.object({
      ref: z.string(),
      kind: z.enum(['touch', 'lead.created', 'unattributed']),
      at: z.string().nullable(),
      channel: z.string(),
      campaign_id: z.string().nullable(),
      model: z.enum(attributionModels),
      credit: dbNumber,
    }),
  );
  const touches = new Map<string, DealTouch>();
  for (const c of credits) {
    let touch = touches.get(c.ref);
    if (!touch) {
      const zero = Object.fromEntries(attributionModels.map((m) => [m, 0])) as Record<AttributionModel, number>;
      touch = { ref: c.ref, kind: c.kind, at: c.at, channel: c.channel, campaignId: c.campaign_id, credits: zero };
      touches.set(c.ref, touch);
    }
    touch.credits[c.model] = c.credit;
  }
  return { opportunityId, accountId: deal.account_id, amountCents: deal.amount, wonAt: deal.won_at, touches: [...touches.values()] };
}
