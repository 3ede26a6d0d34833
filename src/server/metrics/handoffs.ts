// Handoffs between departments: how fast each one takes over from the previous, how often within
// its SLA, and the items still waiting past it (the "black hole"), each with its owner.
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { dbNumber, one, typedOne, type Db } from '~/server/db/client';
import { ratio } from '~/lib/stats';
import { getSetting, type SlaSettings } from '~/server/settings';
import { blackHoleList } from './lists';
import { accountFilters, inRange, journeyFilters, opportunityFilters, type DateRange, type MetricFilters } from './filters';

export const handoffKinds = ['leadFollowUp', 'onboardingStart', 'ticketResolution'] as const;
export type HandoffKind = (typeof handoffKinds)[number];
export type HandoffDepartment = 'sales' | 'operations' | 'service';

export interface BlackHoleItem {
  /** contact id, opportunity id or ticket id */
  itemId: string;
  startedAt: string;
  dueAt: string;
  hoursOverdue: number;
  /** follow-up owner (lead), the opportunity's account (onboarding), the ticket's account (ticket) */
  owner: string | null;
  accountId: string | null;
  contactId: string | null;
  contactName: string | null;
  email: string | null;
}

export interface HandoffSummary {
  handoff: HandoffKind;
  /** the department that owns the handoff */
  department: HandoffDepartment;
  slaHours: number;
  /** items whose handoff started in the range */
  items: number;
  /** handed off */
  done: number;
  doneWithinSla: number;
  /** median hours to hand off, over the items handed off */
  medianHours: number | null;
  /** doneWithinSla / (done + openPastSla): open items still within their SLA are not decided yet */
  withinSlaShare: number | null;
  openWithinSla: number;
  openPastSla: number;
  /** open items past SLA, longest waiting first, at most `blackHoleLimit` */
  blackHole: BlackHoleItem[];
}

export interface HandoffsReport {
  asOf: string;
  handoffs: HandoffSummary[];
}

interface Input {
  range: DateRange;
  filters?: MetricFilters;
  /** the instant open items are judged at; default now */
  asOf?: Date;
  blackHoleLimit?: number;
}

interface Definition {
  department: HandoffDepartment;
  sla: (slas: SlaSettings) => number;
  /**
   * One row per item: item_id, started_at, done_at, closed (ended without a handoff), owner,
   * account_id, contact_id, contact_name, email.
   */
  items: (range: DateRange, filters: MetricFilters) => SQL;
}

const definitions: Record<HandoffKind, Definition> = {
  leadFollowUp: {
    department: 'sales',
    sla: (s) => s.leadFollowUpHours,
    // A lead disqualified before any follow-up is closed: sales dealt with it.
    items: (range, filters) => sql`
      select l.contact_id as item_id, l.inquiry_at as started_at, l.first_follow_up_at as done_at,
        (l.first_follow_up_at is null and l.disqualified_at is not null) as closed,
        l.follow_up_owner_id as owner, l.journey_account_id as account_id, l.contact_id, l.name as contact_name, l.email
      from leads l
      where ${inRange(sql`l.inquiry_at`, range)} and ${journeyFilters(filters)}`,
  },
  onboardingStart: {
    department: 'operations',
    sla: (s) => s.onboardingStartHours,
    items: (range, filters) => sql`
      select o.opportunity_id as item_id, o.won_at as started_at, b.started_at as done_at, false as closed,
        o.account_id as owner, o.account_id, o.contact_id, cl.name as contact_name, cl.email
      from opportunities o
      left join onboardings b on b.opportunity_id = o.opportunity_id
      left join leads cl on cl.contact_id = o.contact_id
      where o.status = 'won' and ${inRange(sql`o.won_at`, range)} and ${opportunityFilters(filters)}`,
  },
  ticketResolution: {
    department: 'service',
    sla: (s) => s.ticketResolutionHours,
    items: (range, filters) => sql`
      select t.ticket_id as item_id, t.opened_at as started_at, t.resolved_at as done_at, false as closed,
        t.account_id as owner, t.account_id, t.contact_id, cl.name as contact_name, cl.email
      from tickets t
      left join leads cl on cl.contact_id = t.contact_id
      where ${inRange(sql`t.opened_at`, range)} and ${accountFilters(filters, sql`t.account_id`)}`,
  },
};

/** The SLA of a handoff, in hours, from the settings. */
export function slaHours(kind: HandoffKind, slas: SlaSettings): number {
  return definitions[kind].sla(slas);
}

interface StatsRow {
  items: number | string;
  done: number | string;
  done_within: number | string;
  median_hours: number | string | null;
  open_past: number | string;
  open_within: number | string;
}

async function summarise(db: Db, kind: HandoffKind, input: Input, slas: SlaSettings, asOf: Date): Promise<HandoffSummary> {
  const definition = definitions[kind];
  const slaHours = definition.sla(slas);
  const items = definition.items(input.range, input.filters ?? {});
  const at = sql`${asOf.toISOString()}::timestamptz`;
  const due = sql`(started_at + make_interval(secs => ${slaHours}::float8 * 3600))`;
  // A handoff recorded before its start (a late-arriving start event) took no time.
  const hours = sql`(case when done_at is not null then greatest(extract(epoch from (done_at - started_at)) / 3600, 0) end)::float8`;
  const open = sql`(done_at is null and not closed)`;

  const statsQuery = one<StatsRow>(
    db,
    sql`with items as (${items})
    select count(*)::int as items, count(done_at)::int as done,
      count(*) filter (where ${hours} <= ${slaHours}::float8)::int as done_within,
      (percentile_cont(0.5) within group (order by ${hours}))::float8 as median_hours,
      count(*) filter (where ${open} and ${due} < ${at})::int as open_past,
      count(*) filter (where ${open} and ${due} >= ${at})::int as open_within
    from items`,
  );
  // The black hole is the first page of the black-hole list, so the rule "open, past its SLA" is
  // written once (lists.ts).
  const limit = input.blackHoleLimit ?? 200;
  const blackHoleQuery =
    limit === 0
      ? Promise.resolve([])
      : blackHoleList(db, { handoff: kind, range: input.range, filters: input.filters, asOf, page: { pageSize: limit } }).then((page) => page.items);
  const [stats, blackHole] = await Promise.all([statsQuery, blackHoleQuery]);

  const done = Number(stats.done);
  const doneWithinSla = Number(stats.done_within);
  const openPastSla = Number(stats.open_past);
  return {
    handoff: kind,
    department: definition.department,
    slaHours,
    items: Number(stats.items),
    done,
    doneWithinSla,
    medianHours: stats.median_hours === null ? null : Number(stats.median_hours),
    withinSlaShare: ratio(doneWithinSla, done + openPastSla),
    openWithinSla: Number(stats.open_within),
    openPastSla,
    blackHole,
  };
}

/**
 * One handoff's share within SLA, as the report computes it (doneWithinSla / (done + openPastSla)),
 * without its median or black hole: what a KPI target on that share needs.
 */
export async function handoffWithinSlaShare(db: Db, kind: HandoffKind, input: Omit<Input, 'blackHoleLimit'>): Promise<number | null> {
  const definition = definitions[kind];
  const slaHours = definition.sla(await getSetting(db, 'slas'));
  const at = sql`${(input.asOf ?? new Date()).toISOString()}::timestamptz`;
  const due = sql`(started_at + make_interval(secs => ${slaHours}::float8 * 3600))`;
  const hours = sql`(case when done_at is not null then greatest(extract(epoch from (done_at - started_at)) / 3600, 0) end)::float8`;
  const row = await typedOne(
    db,
    sql`with items as (${definition.items(input.range, input.filters ?? {})})
    select count(*) filter (where ${hours} <= ${slaHours}::float8)::int as done_within, count(done_at)::int as done,
      count(*) filter (where done_at is null and not closed and ${due} < ${at})::int as open_past
    from items`,
    z.object({ done_within: dbNumber, done: dbNumber, open_past: dbNumber }),
  );
  return ratio(row.done_within, row.done + row.open_past);
}

export async function handoffs(db: Db, input: Input): Promise<HandoffsReport> {
  const asOf = input.asOf ?? new Date();
  const slas = await getSetting(db, 'slas');
  // Independent queries: on a server they run side by side on the pool's connections.
  const summaries = await Promise.all(handoffKinds.map((kind) => summarise(db, kind, input, slas, asOf)));
  return { asOf: asOf.toISOString(), handoffs: summaries };
}
