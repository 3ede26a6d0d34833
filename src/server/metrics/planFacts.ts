// The facts a revenue plan is made from, read from the rollups (docs/rollups.md, "Plan and
// forecast"): the trailing window per source from journey_reach_rollup and the inquiry ->
// conversion histogram of journey_duration_rollup, spend from spend_rollup, won deals from the
// attribution rollup's totals, the pipeline from the deal rollups. What a past moment did not know
// yet (journeys qualified or won since) is read one by one and taken off; partial days at a range's
// ends are read from the journeys and deals themselves, as the other reports do.
// src/server/metrics/reference/plan.ts reads the same one journey and deal at a time.
import { sql } from 'drizzle-orm';
import { isoWeekOf } from '~/lib/isoWeek';
import { rows, type Db } from '~/server/db/client';
import { MEASURE_INQUIRY_TO_CONVERSION } from '~/server/projector/rollups';
import { readDealRollupParts } from './dealRollupReads';
import { inRange, opportunityFilters, type DateRange, type MetricFilters } from './filters';
import { modelFromFacts, type PipelineModel } from './forecastMath';
import { pipelineFactsFromRollups } from './pipelineFacts';
import { planWeeks, type PlanWeekActual, type SourceFacts } from './planMath';
import { cellsWhere, daysWhere, edgesWhere, leadRollupFilters, rollupFilters, splitRange } from './rollupRange';

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const isoDay = (ms: number) => iso(ms).slice(0, 10);
const ceilDay = (ms: number) => Math.ceil(ms / DAY_MS) * DAY_MS;

/** The pipeline model at one of the moments asked; its open cells carry the deals in the plan's scope and their amounts. */
export type PipelineAt = (now: number) => PipelineModel;

/** How a plan reads its facts; the rollups here, every journey and deal in reference/plan.ts. */
export interface PlanReader {
  pipeline(db: Db, filters: MetricFilters, moments: readonly number[]): Promise<PipelineAt>;
  sourceFacts(db: Db, now: number, windowDays: number, filters: MetricFilters): Promise<SourceFacts[]>;
  weeklyActuals(db: Db, from: number, to: number, now: number, filters: MetricFilters): Promise<PlanWeekActual[]>;
  /** won deals, won revenue (the opportunities won in the range) or leads (the inquiry cohort of the range) */
  actual(db: Db, metric: 'won_deals' | 'won_revenue' | 'leads', range: DateRange, filters: MetricFilters): Promise<number>;
}

const bySource = (a: { source: string }, b: { source: string }) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0);

/** Every ISO week of [from, to), also the quiet ones, from per-day figures. */
export function weeksOf(from: number, to: number, days: readonly { day: string; figures: Partial<Omit<PlanWeekActual, 'week'>> }[]): PlanWeekActual[] {
  const weeks = new Map<string, PlanWeekActual>();
  const row = (week: string) => {
    let found = weeks.get(week);
    if (!found) {
      found = { week, inquiries: 0, qualified: 0, wins: 0, revenueCents: 0, onboardingStarts: 0 };
      weeks.set(week, found);
    }
    return found;
  };
  for (const w of planWeeks(from, to)) row(w.week);
  for (const d of days) {
    const week = row(isoWeekOf(new Date(`${d.day}T00:00:00Z`)));
    week.inquiries += d.figures.inquiries ?? 0;
    week.qualified += d.figures.qualified ?? 0;
    week.wins += d.figures.wins ?? 0;
    week.revenueCents += d.figures.revenueCents ?? 0;
    week.onboardingStarts += d.figures.onboardingStarts ?? 0;
  }
  return [...weeks.values()].sort((a, b) => a.week.localeCompare(b.week));
}

const dayOf = (column: string) => sql.raw(`to_char((${column} at time zone 'UTC')::date, 'YYYY-MM-DD')`);

export const rollupPlanReader: PlanReader = {
  async pipeline(db, filters, moments) {
    const parts = await readDealRollupParts(db, moments, opportunityFilters(filters));
    return (now) => modelFromFacts(pipelineFactsFromRollups(parts, now));
  },

  async sourceFacts(db, now, windowDays, filters) {
    const from = now - windowDays * DAY_MS;
    const split = splitRange({ from: iso(from), to: iso(now) });
    const at = sql`${iso(now)}::timestamptz`;
    const wholeDays = daysWhere(split, sql`(l.inquiry_at at time zone 'UTC')::date`);
    const edges = edgesWhere(split, sql`l.inquiry_at`);
    const spendFrom = ceilDay(from);
    const spendTo = ceilDay(now);
    const spendSplit = spendFrom < spendTo ? splitRange({ from: isoDay(spendFrom), to: isoDay(spendTo) }) : null;
    type Counts = { source: string; inquiries: number; qualified: number; wins: number; won_cents: number };
    const [cells, edgeCounts, later, minutes, oneByOne, spend] = await Promise.all([
      rows<Counts>(
        db,
        sql`select source, sum(inquiries)::float8 as inquiries, sum(qualified)::float8 as qualified, sum(converted)::float8 as wins,
          sum(converted_cents)::float8 as won_cents
        from journey_reach_rollup where ${cellsWhere(rollupFilters(filters), split)} group by source`,
      ),
      // The partial days at the window's ends, from the journeys.
      rows<Counts>(
        db,
        sql`select l.source, count(*)::float8 as inquiries, count(*) filter (where l.qualification_at < ${at})::float8 as qualified,
          count(*) filter (where l.conversion_at < ${at})::float8 as wins,
          coalesce(sum(l.converted_amount_cents) filter (where l.conversion_at < ${at}), 0)::float8 as won_cents
        from leads l where ${edges} and ${leadRollupFilters(filters)} group by l.source`,
      ),
      // Journeys of the whole days qualified or won at or after now: not known yet at now.
      rows<Counts>(
        db,
        sql`select l.source, 0::float8 as inquiries, count(*) filter (where l.qualification_at >= ${at})::float8 as qualified,
          count(*) filter (where l.conversion_at >= ${at})::float8 as wins,
          coalesce(sum(l.converted_amount_cents) filter (where l.conversion_at >= ${at}), 0)::float8 as won_cents
        from leads l where (l.qualification_at >= ${at} or l.conversion_at >= ${at}) and ${wholeDays} and ${leadRollupFilters(filters)}
        group by l.source`,
      ),
      rows<{ source: string; minutes: number; journeys: number }>(
        db,
        sql`select source, minutes, sum(journeys)::float8 as journeys from journey_duration_rollup
        where cohort = 'inquiry' and measure = ${MEASURE_INQUIRY_TO_CONVERSION} and ${daysWhere(split)} and ${rollupFilters(filters)}
        group by source, minutes`,
      ),
      // Inquiry -> win minutes of the partial days' wins (in), and of the whole days' later wins (out).
      rows<{ source: string; minutes: number; sign: number }>(
        db,
        sql`select l.source, floor(extract(epoch from (l.conversion_at - l.inquiry_at)) / 60)::int as minutes,
          case when ${edges} then 1 else -1 end as sign
        from leads l
        where l.conversion_at is not null and ${leadRollupFilters(filters)}
          and ((${edges} and l.conversion_at < ${at}) or (l.conversion_at >= ${at} and ${wholeDays}))`,
      ),
      spendSplit === null
        ? Promise.resolve([])
        : rows<{ source: string; spend: number }>(
            db,
            sql`select c.channel as source, coalesce(sum(s.amount_cents), 0)::float8 as spend
            from spend_rollup s join campaigns c on c.campaign_id = s.campaign_id
            where ${cellsWhere(sql`true`, spendSplit)}
              ${filters.campaign !== undefined ? sql`and s.campaign_id = ${filters.campaign}` : sql``}
              ${filters.source !== undefined ? sql`and c.channel = ${filters.source}` : sql``}
            group by c.channel`,
          ),
    ]);
    const totals = new Map<string, { inquiries: number; qualified: number; wins: number; wonCents: number }>();
    const add = (list: Counts[], sign: number) => {
      for (const r of list) {
        let t = totals.get(r.source);
        if (!t) {
          t = { inquiries: 0, qualified: 0, wins: 0, wonCents: 0 };
          totals.set(r.source, t);
        }
        t.inquiries += sign * Number(r.inquiries);
        t.qualified += sign * Number(r.qualified);
        t.wins += sign * Number(r.wins);
        t.wonCents += sign * Number(r.won_cents);
      }
    };
    add(cells, 1);
    add(edgeCounts, 1);
    add(later, -1);
    // The histogram, less the later wins, plus the partial days' wins: minutes -> journeys per source.
    const histograms = new Map<string, Map<number, number>>();
    const count = (source: string, m: number, n: number) => {
      let h = histograms.get(source);
      if (!h) {
        h = new Map();
        histograms.set(source, h);
      }
      h.set(m, (h.get(m) ?? 0) + n);
    };
    for (const r of minutes) count(r.source, Number(r.minutes), Number(r.journeys));
    for (const r of oneByOne) count(r.source, Number(r.minutes), Number(r.sign));
    const spendBySource = new Map(spend.map((s) => [s.source, Number(s.spend)]));
    return [...totals.entries()]
      .filter(([, t]) => t.inquiries > 0)
      .map(([source, t]): SourceFacts => {
        const winDays: number[] = [];
        // A win is never before its inquiry; clock skew between senders is read as the same instant.
        for (const [m, n] of histograms.get(source) ?? []) for (let i = 0; i < n; i++) winDays.push(Math.max(0, m) / 1440);
        winDays.sort((a, b) => a - b);
        return { source, inquiries: t.inquiries, qualified: t.qualified, wins: t.wins, wonCents: t.wonCents, winDays, spendCents: spendBySource.get(source) ?? 0 };
      })
      .sort(bySource);
  },

  async weeklyActuals(db, from, to, now, filters) {
    if (to <= from) return [];
    const range = { from: iso(from), to: iso(to) };
    const split = splitRange(range);
    const at = sql`${iso(now)}::timestamptz`;
    const dayCells = (base: ReturnType<typeof sql>) =>
      split.dayFrom === null ? sql`false` : sql`(${base} and grain = 'day' and bucket >= ${split.dayFrom}::date and bucket < ${split.dayTo}::date)`;
    const wholeDays = daysWhere(split, sql`(l.inquiry_at at time zone 'UTC')::date`);
    const [reach, edgeReach, later, won, edgeWon, starts] = await Promise.all([
      rows<{ day: string; inquiries: number; qualified: number }>(
        db,
        sql`select to_char(bucket, 'YYYY-MM-DD') as day, sum(inquiries)::float8 as inquiries, sum(qualified)::float8 as qualified
        from journey_reach_rollup where ${dayCells(rollupFilters(filters))} group by bucket`,
      ),
      rows<{ day: string; inquiries: number; qualified: number }>(
        db,
        sql`select ${dayOf('l.inquiry_at')} as day, count(*)::float8 as inquiries, count(*) filter (where l.qualification_at < ${at})::float8 as qualified
        from leads l where ${edgesWhere(split, sql`l.inquiry_at`)} and ${leadRollupFilters(filters)} group by 1`,
      ),
      rows<{ day: string; qualified: number }>(
        db,
        sql`select ${dayOf('l.inquiry_at')} as day, count(*)::float8 as qualified
        from leads l where l.qualification_at >= ${at} and ${wholeDays} and ${leadRollupFilters(filters)} group by 1`,
      ),
      rows<{ day: string; wins: number; revenue: number }>(
        db,
        sql`select to_char(bucket, 'YYYY-MM-DD') as day, sum(deals)::float8 as wins, sum(amount_cents)::float8 as revenue
        from attribution_rollup where ${dayCells(sql`kind = 'total' and key = '' and ${rollupFilters(filters)}`)} group by bucket`,
      ),
      rows<{ day: string; wins: number; revenue: number }>(
        db,
        sql`select ${dayOf('o.won_at')} as day, count(*)::float8 as wins, coalesce(sum(o.amount_cents), 0)::float8 as revenue
        from opportunities o where o.status = 'won' and ${edgesWhere(split, sql`o.won_at`)} and ${opportunityFilters(filters)} group by 1`,
      ),
      rows<{ day: string; starts: number }>(
        db,
        sql`select ${dayOf('b.started_at')} as day, count(*)::float8 as starts
        from onboardings b left join opportunities o on o.opportunity_id = b.opportunity_id
        where ${inRange(sql`b.started_at`, range)} and ${opportunityFilters(filters)} group by 1`,
      ),
    ]);
    return weeksOf(from, to, [
      ...reach.map((r) => ({ day: r.day, figures: { inquiries: Number(r.inquiries), qualified: Number(r.qualified) } })),
      ...edgeReach.map((r) => ({ day: r.day, figures: { inquiries: Number(r.inquiries), qualified: Number(r.qualified) } })),
      ...later.map((r) => ({ day: r.day, figures: { qualified: -Number(r.qualified) } })),
      ...won.map((r) => ({ day: r.day, figures: { wins: Number(r.wins), revenueCents: Number(r.revenue) } })),
      ...edgeWon.map((r) => ({ day: r.day, figures: { wins: Number(r.wins), revenueCents: Number(r.revenue) } })),
      ...starts.map((r) => ({ day: r.day, figures: { onboardingStarts: Number(r.starts) } })),
    ]);
  },

  async actual(db, metric, range, filters) {
    const split = splitRange(range);
    if (metric === 'leads') {
      const [cells, edges] = await Promise.all([
        rows<{ n: number }>(db, sql`select coalesce(sum(inquiries), 0)::float8 as n from journey_reach_rollup where ${cellsWhere(rollupFilters(filters), split)}`),
        rows<{ n: number }>(db, sql`select count(*)::float8 as n from leads l where ${edgesWhere(split, sql`l.inquiry_at`)} and ${leadRollupFilters(filters)}`),
      ]);
      return Number(cells[0]?.n ?? 0) + Number(edges[0]?.n ?? 0);
    }
    const [cells, edges] = await Promise.all([
      rows<{ deals: number; revenue: number }>(
        db,
        sql`select coalesce(sum(deals), 0)::float8 as deals, coalesce(sum(amount_cents), 0)::float8 as revenue
        from attribution_rollup where ${cellsWhere(sql`kind = 'total' and key = '' and ${rollupFilters(filters)}`, split)}`,
      ),
      rows<{ deals: number; revenue: number }>(
        db,
        sql`select count(*)::float8 as deals, coalesce(sum(o.amount_cents), 0)::float8 as revenue
        from opportunities o where o.status = 'won' and ${edgesWhere(split, sql`o.won_at`)} and ${opportunityFilters(filters)}`,
      ),
    ]);
    const pick = (r: { deals: number; revenue: number } | undefined) => Number((metric === 'won_deals' ? r?.deals : r?.revenue) ?? 0);
    return pick(cells[0]) + pick(edges[0]);
  },
};
