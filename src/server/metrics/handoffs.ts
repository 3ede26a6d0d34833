// Handoffs between departments: how fast each one takes over from the previous, how often within
// its SLA, and the items still waiting past it (the "black hole"), each with its owner. The
// figures come from rollups (lead follow-ups: the journeys' inquiry cohort and duration measure 7;
// onboarding and ticket handoffs: handoff_rollup and their duration cells, docs/rollups.md); the
// black hole is the first page of the keyset list (lists.ts). A handoff's time is in whole minutes.
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { dbNumber, typedOne, typedRows, type Db } from '~/server/db/client';
import { keyArray } from '~/server/db/params';
import { ratio } from '~/lib/stats';
import { getSetting, type SlaSettings } from '~/server/settings';
import type { HandoffRollupKind, RolledHandoff } from '~/server/projector/handoffRollups';
import { MEASURE_FOLLOW_UP } from '~/server/projector/rollups';
import { durationPercentiles, familyCountAtMost, familyPercentiles, journeyFamily, singleSlice, type DurationFamily, type MinuteWindow, type Slice } from './durations';
import { accountFilters, inRange, journeyFilters, opportunityFilters, toDate, type DateRange, type MetricFilters } from './filters';
import { cohortCells } from './funnel';
import { blackHoleList } from './lists';
import { cellsWhere, edgesWhere, splitRange, withoutParallelWorkers, type RangeSplit } from './rollupRange';

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
   * account_id, contact_id. No contact names: an onboarding's or a ticket's contact name would be
   * an outer join of a shared table with journeys, which a Citus cluster answers wrong beside a
   * filter over journeys on another column (docs/scale.md); `contactNames` reads them by key for
   * the rows shown.
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
        l.follow_up_owner_id as owner, l.journey_account_id as account_id, l.contact_id
      from leads l
      where ${inRange(sql`l.inquiry_at`, range)} and ${journeyFilters(filters)}`,
  },
  onboardingStart: {
    department: 'operations',
    sla: (s) => s.onboardingStartHours,
    items: (range, filters) => sql`
      select o.opportunity_id as item_id, o.won_at as started_at, b.started_at as done_at, false as closed,
        o.account_id as owner, o.account_id, o.contact_id
      from opportunities o
      left join onboardings b on b.opportunity_id = o.opportunity_id
      where o.status = 'won' and ${inRange(sql`o.won_at`, range)} and ${opportunityFilters(filters)}`,
  },
  ticketResolution: {
    department: 'service',
    sla: (s) => s.ticketResolutionHours,
    items: (range, filters) => sql`
      select t.ticket_id as item_id, t.opened_at as started_at, t.resolved_at as done_at, false as closed,
        t.account_id as owner, t.account_id, t.contact_id
      from tickets t
      where ${inRange(sql`t.opened_at`, range)} and ${accountFilters(filters, sql`t.account_id`)}`,
  },
};

export interface ContactName {
  name: string | null;
  email: string | null;
}

/** The name and email of these contacts' journeys, by contact id (those without a journey are absent). */
export async function contactNames(db: Db, contactIds: (string | null)[]): Promise<Map<string, ContactName>> {
  const ids = contactIds.filter((id): id is string => id !== null);
  if (ids.length === 0) return new Map();
  const found = await typedRows(
    db,
    sql`select contact_id, name, email from leads where contact_id = any(${keyArray(ids)})`,
    z.object({ contact_id: z.string(), name: z.string().nullable(), email: z.string().nullable() }),
  );
  return new Map(found.map((row) => [row.contact_id, { name: row.name, email: row.email }]));
}

/** The SLA of a handoff, in hours, from the settings. */
export function slaHours(kind: HandoffKind, slas: SlaSettings): number {
  return definitions[kind].sla(slas);
}

export const handoffDepartment: Record<HandoffKind, HandoffDepartment> = {
  leadFollowUp: definitions.leadFollowUp.department,
  onboardingStart: definitions.onboardingStart.department,
  ticketResolution: definitions.ticketResolution.department,
};

/** The handoff's items, one row each (see Definition.items): the facts the rollups count. */
export function handoffItems(kind: HandoffKind, range: DateRange, filters: MetricFilters): SQL {
  return definitions[kind].items(range, filters);
}

interface Counts {
  items: number;
  done: number;
  /** ended without a handoff (leads disqualified before any follow-up) */
  closed: number;
}

const none: Counts = { items: 0, done: 0, closed: 0 };

/** Lead follow-ups are the inquiry cohort: its journeys, those followed up, those closed unfollowed. */
async function leadCounts(db: Db, range: DateRange, filters: MetricFilters): Promise<Counts> {
  const row = await typedOne(
    db,
    sql`select coalesce(sum(journeys), 0)::float8 as items, coalesce(sum(followed_up), 0)::float8 as done,
      coalesce(sum(closed_unfollowed), 0)::float8 as closed
    from (${cohortCells({ range, filters, cohortBy: 'inquiry' })}) c`,
    z.object({ items: dbNumber, done: dbNumber, closed: dbNumber }),
  );
  return row;
}

/** Onboarding and ticket handoffs (or onboardings by start) of one slice: rollup cells for whole days, stored items for partial ones. */
async function rolledCounts(db: Db, kind: HandoffRollupKind, slice: Slice, range: DateRange): Promise<Counts> {
  const split = splitRange(range);
  const base = sql`kind = ${kind} and dimension = ${slice.dimension} and value = ${slice.value ?? ''}`;
  const row = await typedOne(
    db,
    sql`select coalesce(sum(items), 0)::float8 as items, coalesce(sum(done), 0)::float8 as done from (
      select items, done from handoff_rollup where ${cellsWhere(base, split)}
      union all
      select 1, (minutes is not null)::int from handoff_contributions where ${base} and ${edgesWhere(split, sql.raw('started_at'))}
    ) c`,
    z.object({ items: dbNumber, done: dbNumber }),
  );
  return { ...row, closed: 0 };
}

const utcMidnight = (day: string) => `${day}T00:00:00Z`;

/** A rolled handoff's times: its items' stored rows in one slice. */
function handoffFamily(kind: RolledHandoff, slice: Slice, split: RangeSplit): DurationFamily {
  const base = sql`kind = ${kind} and dimension = ${slice.dimension} and value = ${slice.value ?? ''} and minutes is not null`;
  const within = (windows: MinuteWindow[]) => sql`(${sql.join(
    windows.map((w) => sql`minutes between ${w.low} and ${w.high}`),
    sql` or `,
  )})`;
  const select = (where: SQL) => sql`select ''::text as key, 0 as measure, minutes, 1 as n from handoff_contributions where ${base} and ${where}`;
  return {
    cohort: kind,
    wholeDays: (runs, windows) =>
      select(
        sql`(${sql.join(
          runs.map(([from, to]) => sql`(started_at >= ${utcMidnight(from)}::timestamptz and started_at < ${utcMidnight(to)}::timestamptz)`),
          sql` or `,
        )}) and ${within(windows)}`,
      ),
    allWholeDays: (windows) =>
      split.dayFrom === null || split.dayTo === null
        ? select(sql`false`)
        : select(sql`${within(windows)} and started_at >= ${utcMidnight(split.dayFrom)}::timestamptz and started_at < ${utcMidnight(split.dayTo)}::timestamptz`),
    partialDays: (windows) => select(sql`${edgesWhere(split, sql.raw('started_at'))} and ${windows === null ? sql`true` : within(windows)}`),
  };
}

interface ItemStats extends Counts {
  doneWithin: number;
  medianHours: number | null;
  openPast: number;
}

/** Several filters at once on an onboarding or ticket handoff: its items one by one. */
async function itemStats(db: Db, kind: HandoffKind, input: Input, sla: number, asOf: Date): Promise<ItemStats> {
  const at = sql`${asOf.toISOString()}::timestamptz`;
  const due = sql`(started_at + make_interval(secs => ${sla}::float8 * 3600))`;
  const minutes = sql`(case when done_at is not null then greatest(floor(extract(epoch from (done_at - started_at)) / 60), 0) end)::float8`;
  const row = await typedOne(
    db,
    sql`with items as (${handoffItems(kind, input.range, input.filters ?? {})})
    select count(*)::int as items, count(done_at)::int as done, count(*) filter (where closed)::int as closed,
      count(*) filter (where ${minutes} <= ${sla}::float8 * 60)::int as done_within,
      (percentile_cont(0.5) within group (order by ${minutes} / 60))::float8 as median_hours,
      count(*) filter (where done_at is null and not closed and ${due} < ${at})::int as open_past
    from items`,
    z.object({ items: dbNumber, done: dbNumber, closed: dbNumber, done_within: dbNumber, median_hours: dbNumber.nullable(), open_past: dbNumber }),
  );
  return { items: row.items, done: row.done, closed: row.closed, doneWithin: row.done_within, medianHours: row.median_hours, openPast: row.open_past };
}

/**
 * The figures of one handoff from the rollups: items and handed off over the range, open past
 * SLA over the part of it that started before asOf - SLA, and the median and the count within SLA
 * from the duration rollups (whole minutes).
 */
async function rolledStats(db: Db, kind: HandoffKind, input: Input, sla: number, asOf: Date, median = true): Promise<ItemStats> {
  const quantiles = median ? [0.5] : [];
  const filters = input.filters ?? {};
  const range = input.range;
  // Started before this instant: due before asOf (the SLA taken to the millisecond).
  const cut = asOf.getTime() - Math.round(sla * 3_600_000);
  const from = toDate(range.from).getTime();
  const pastRange: DateRange | null = cut <= from ? null : { from: range.from, to: new Date(Math.min(cut, toDate(range.to).getTime())).toISOString() };
  const bound = Math.floor(sla * 60);
  const split = splitRange(range);
  if (kind === 'leadFollowUp') {
    const followUpSlice = singleSlice(filters);
    if (!median && followUpSlice !== null) {
      // The share alone: the count within SLA in one read.
      const family = journeyFamily({ cohort: 'inquiry', measures: [MEASURE_FOLLOW_UP], split, filters });
      const [all, past, doneWithin] = await Promise.all([
        leadCounts(db, range, filters),
        pastRange === null ? none : leadCounts(db, pastRange, filters),
        familyCountAtMost(db, family, { measure: MEASURE_FOLLOW_UP, split, slice: followUpSlice, bound }),
      ]);
      return { ...all, doneWithin, medianHours: null, openPast: past.items - past.done - past.closed };
    }
    const [all, past, times] = await Promise.all([
      leadCounts(db, range, filters),
      pastRange === null ? none : leadCounts(db, pastRange, filters),
      durationPercentiles(db, { cohort: 'inquiry', measures: [MEASURE_FOLLOW_UP], split, filters, quantiles, unit: 60, atMost: bound }),
    ]);
    const answer = times.get('')?.get(MEASURE_FOLLOW_UP);
    return { ...all, doneWithin: answer?.atMost ?? 0, medianHours: answer?.values[0] ?? null, openPast: past.items - past.done - past.closed };
  }
  const slice = singleSlice(filters);
  if (slice === null) return itemStats(db, kind, input, sla, asOf);
  if (!median) {
    const [all, past, doneWithin] = await Promise.all([
      rolledCounts(db, kind, slice, range),
      pastRange === null ? none : rolledCounts(db, kind, slice, pastRange),
      familyCountAtMost(db, handoffFamily(kind, slice, split), { measure: 0, split, slice, bound }),
    ]);
    return { ...all, doneWithin, medianHours: null, openPast: past.items - past.done - past.closed };
  }
  const [all, past, times] = await Promise.all([
    rolledCounts(db, kind, slice, range),
    pastRange === null ? none : rolledCounts(db, kind, slice, pastRange),
    withoutParallelWorkers(db, (tx) =>
      familyPercentiles(tx, handoffFamily(kind, slice, split), { measures: [0], split, slice, grouped: false, quantiles, unit: 60, atMost: bound }),
    ),
  ]);
  const answer = times.get('')?.get(0);
  return { ...all, doneWithin: answer?.atMost ?? 0, medianHours: answer?.values[0] ?? null, openPast: past.items - past.done - past.closed };
}

/**
 * Onboardings whose start falls in the range, under the filters of their opportunity (the KPI
 * "onboarding starts"): the 'onboardings' cells of the handoff rollup for one filter or none; the
 * onboardings themselves, by their start index, for several filters at once.
 */
export async function onboardingStarts(db: Db, input: { range: DateRange; filters?: MetricFilters }): Promise<number> {
  const filters = input.filters ?? {};
  const slice = singleSlice(filters);
  if (slice !== null) return (await rolledCounts(db, 'onboardings', slice, input.range)).items;
  const row = await typedOne(
    db,
    sql`select count(*)::int as starts from onboardings b
    left join opportunities o on o.opportunity_id = b.opportunity_id
    where ${inRange(sql`b.started_at`, input.range)} and ${opportunityFilters(filters)}`,
    z.object({ starts: dbNumber }),
  );
  return row.starts;
}

async function summarise(db: Db, kind: HandoffKind, input: Input, slas: SlaSettings, asOf: Date): Promise<HandoffSummary> {
  const definition = definitions[kind];
  const sla = definition.sla(slas);
  const limit = input.blackHoleLimit ?? 200;
  const [stats, blackHole] = await Promise.all([
    rolledStats(db, kind, input, sla, asOf),
    // The same items as the black-hole list's first page, longest waiting first.
    limit === 0 ? null : blackHoleList(db, { handoff: kind, range: input.range, filters: input.filters, asOf, page: { pageSize: limit } }),
  ]);
  const open = stats.items - stats.done - stats.closed;
  return {
    handoff: kind,
    department: definition.department,
    slaHours: sla,
    items: stats.items,
    done: stats.done,
    doneWithinSla: stats.doneWithin,
    medianHours: stats.medianHours,
    withinSlaShare: ratio(stats.doneWithin, stats.done + stats.openPast),
    openWithinSla: open - stats.openPast,
    openPastSla: stats.openPast,
    blackHole: blackHole?.items ?? [],
  };
}

/**
 * One handoff's share within SLA, as the report computes it (doneWithinSla / (done + openPastSla)),
 * without its black hole: what a KPI target on that share needs.
 */
export async function handoffWithinSlaShare(
  db: Db,
  kind: HandoffKind,
  input: Omit<Input, 'blackHoleLimit'>,
  slas?: SlaSettings,
): Promise<number | null> {
  const sla = definitions[kind].sla(slas ?? (await getSetting(db, 'slas')));
  const stats = await rolledStats(db, kind, input, sla, input.asOf ?? new Date(), false);
  return ratio(stats.doneWithin, stats.done + stats.openPast);
}

export async function handoffs(db: Db, input: Input): Promise<HandoffsReport> {
  const asOf = input.asOf ?? new Date();
  const slas = await getSetting(db, 'slas');
  // Independent queries: on a server they run side by side on the pool's connections.
  const summaries = await Promise.all(handoffKinds.map((kind) => summarise(db, kind, input, slas, asOf)));
  return { asOf: asOf.toISOString(), handoffs: summaries };
}
