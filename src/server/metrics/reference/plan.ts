// The revenue plan from every journey and deal one by one, as it was computed before the plan
// rollups: the reference the rollup path is compared with (tests, bench:queries).
import { sql } from 'drizzle-orm';
import { isoWeekOf } from '~/lib/isoWeek';
import { rows, type Db } from '~/server/db/client';
import { dateInRange, inRange, journeyFilters, opportunityFilters, spendFilters, type MetricFilters } from '../filters';
import { pipelineModel, WIN_RATE_WINDOW_DAYS, type OpportunityFact } from '../forecastMath';
import { kpiActual } from '../kpis';
import { revenuePlan, type PlanRequest, type RevenuePlan } from '../plan';
import type { PlanReader } from '../planFacts';
import { planWeeks, type PlanWeekActual, type SourceFacts } from '../planMath';

const DAY_MS = 86_400_000;
const epochMs = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);
const iso = (ms: number) => new Date(ms).toISOString();

/** Opportunities for the forecast's model (every type, like the forecast) and which pass the filters. */
async function opportunityFacts(db: Db, filters: MetricFilters, earliestAsOf: number) {
  // A deal lost before the win-rate window of the earliest plan counts nowhere: not read.
  const lostBefore = earliestAsOf - (WIN_RATE_WINDOW_DAYS + 1) * DAY_MS;
  const found = await rows<{ id: string; deal_type: string | null; created: number; won: number | null; lost: number | null; amount: number | null; in_scope: boolean }>(
    db,
    sql`select o.opportunity_id as id, o.deal_type, ${epochMs('o.created_at')} as created, ${epochMs('o.won_at')} as won,
      ${epochMs('o.lost_at')} as lost, o.amount_cents::float8 as amount, ${opportunityFilters(filters)} as in_scope
    from opportunities o
    where o.created_at is not null and (o.won_at is not null or o.lost_at is null or o.lost_at >= ${iso(lostBefore)}::timestamptz)`,
  );
  const onboardings = await rows<{ id: string; started: number }>(
    db,
    sql`select opportunity_id as id, ${epochMs('started_at')} as started from onboardings where started_at is not null`,
  );
  return {
    opportunities: found.map(
      (o): OpportunityFact => ({
        id: o.id,
        dealType: o.deal_type,
        createdAt: Number(o.created),
        wonAt: o.won === null ? null : Number(o.won),
        lostAt: o.lost === null ? null : Number(o.lost),
        amountCents: o.amount === null ? null : Number(o.amount),
        inScope: o.in_scope,
      }),
    ),
    onboardings: onboardings.map((b) => ({ opportunityId: b.id, startedAt: Number(b.started) })),
  };
}

/** What the window [now - L, now) says about each source, as known at now. */
async function sourceFacts(db: Db, now: number, windowDays: number, filters: MetricFilters): Promise<SourceFacts[]> {
  const window = { from: iso(now - windowDays * DAY_MS), to: iso(now) };
  const at = sql`${iso(now)}::timestamptz`;
  const [counts, durations, spend] = await Promise.all([
    rows<{ source: string; inquiries: number; qualified: number; wins: number; won_cents: number }>(
      db,
      sql`select l.source, count(*)::int as inquiries,
        count(*) filter (where l.qualification_at < ${at})::int as qualified,
        count(*) filter (where l.conversion_at < ${at})::int as wins,
        coalesce(sum(o.amount_cents) filter (where l.conversion_at < ${at}), 0)::float8 as won_cents
      from leads l left join opportunities o on o.opportunity_id = l.converted_opportunity_id
      where ${inRange(sql`l.inquiry_at`, window)} and ${journeyFilters(filters, sql.raw('l'))}
      group by l.source`,
    ),
    rows<{ source: string; minutes: number }>(
      db,
      sql`select l.source, floor(extract(epoch from (l.conversion_at - l.inquiry_at)) / 60)::int as minutes
      from leads l
      where ${inRange(sql`l.inquiry_at`, window)} and l.conversion_at < ${at} and ${journeyFilters(filters, sql.raw('l'))}`,
    ),
    rows<{ source: string; spend: number }>(
      db,
      sql`select c.channel as source, coalesce(sum(s.amount_cents), 0)::float8 as spend
      from campaign_spend s join campaigns c on c.campaign_id = s.campaign_id
      where ${dateInRange(sql`s.spend_date`, window)} and ${spendFilters(filters)}
      group by c.channel`,
    ),
  ]);
  const daysBySource = new Map<string, number[]>();
  for (const d of durations) {
    // Whole minutes; a win is never before its inquiry (clock skew between senders is read as the same instant).
    const days = Math.max(0, Number(d.minutes)) / 1440;
    const list = daysBySource.get(d.source);
    if (list) list.push(days);
    else daysBySource.set(d.source, [days]);
  }
  const spendBySource = new Map(spend.map((s) => [s.source, Number(s.spend)]));
  // Filters on the journey (segment, deal type) say nothing of spend: spend is read for the source alone.
  return counts
    .map((c) => ({
      source: c.source,
      inquiries: Number(c.inquiries),
      qualified: Number(c.qualified),
      wins: Number(c.wins),
      wonCents: Number(c.won_cents),
      winDays: (daysBySource.get(c.source) ?? []).sort((a, b) => a - b),
      spendCents: spendBySource.get(c.source) ?? 0,
    }))
    .sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
}

/** Per ISO week of [from, to): inquiries (and of them qualified by `now`), wins, won revenue, onboarding starts. */
async function weeklyActuals(db: Db, from: number, to: number, now: number, filters: MetricFilters): Promise<PlanWeekActual[]> {
  if (to <= from) return [];
  const range = { from: iso(from), to: iso(to) };
  const monday = (column: string) => sql.raw(`to_char(date_trunc('week', ${column} at time zone 'UTC'), 'YYYY-MM-DD')`);
  const [inquiries, wins, starts] = await Promise.all([
    rows<{ monday: string; inquiries: number; qualified: number }>(
      db,
      sql`select ${monday('l.inquiry_at')} as monday, count(*)::int as inquiries,
        count(*) filter (where l.qualification_at < ${iso(now)}::timestamptz)::int as qualified
      from leads l where ${inRange(sql`l.inquiry_at`, range)} and ${journeyFilters(filters, sql.raw('l'))} group by 1`,
    ),
    rows<{ monday: string; wins: number; revenue: number }>(
      db,
      sql`select ${monday('o.won_at')} as monday, count(*)::int as wins, coalesce(sum(o.amount_cents), 0)::float8 as revenue
      from opportunities o where o.status = 'won' and ${inRange(sql`o.won_at`, range)} and ${opportunityFilters(filters)} group by 1`,
    ),
    rows<{ monday: string; starts: number }>(
      db,
      sql`select ${monday('b.started_at')} as monday, count(*)::int as starts
      from onboardings b left join opportunities o on o.opportunity_id = b.opportunity_id
      where ${inRange(sql`b.started_at`, range)} and ${opportunityFilters(filters)} group by 1`,
    ),
  ]);
  const weeks = new Map<string, PlanWeekActual>();
  const row = (mondayDate: string) => {
    const week = isoWeekOf(new Date(`${mondayDate}T00:00:00Z`));
    let found = weeks.get(week);
    if (!found) {
      found = { week, inquiries: 0, qualified: 0, wins: 0, revenueCents: 0, onboardingStarts: 0 };
      weeks.set(week, found);
    }
    return found;
  };
  for (const r of inquiries) Object.assign(row(r.monday), { inquiries: Number(r.inquiries), qualified: Number(r.qualified) });
  for (const r of wins) Object.assign(row(r.monday), { wins: Number(r.wins), revenueCents: Number(r.revenue) });
  for (const r of starts) row(r.monday).onboardingStarts = Number(r.starts);
  // Every week of the range, also the quiet ones.
  for (const w of planWeeks(from, to)) row(new Date(w.monday).toISOString().slice(0, 10));
  return [...weeks.values()].sort((a, b) => a.week.localeCompare(b.week));
}

export const referencePlanReader: PlanReader = {
  async pipeline(db, filters, moments) {
    const opps = await opportunityFacts(db, filters, Math.min(...moments));
    return (now) => pipelineModel({ asOf: now, opportunities: opps.opportunities, onboardings: opps.onboardings });
  },
  sourceFacts,
  weeklyActuals,
  async actual(db, metric, range, filters) {
    return (await kpiActual(db, metric, range, filters)) ?? 0;
  },
};

/** The plan made from every journey and deal one by one. */
export function planReference(db: Db, request: PlanRequest): Promise<RevenuePlan> {
  return revenuePlan(db, request, referencePlanReader);
}
