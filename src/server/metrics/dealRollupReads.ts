// Reads the deal rollups (deal_close_rollup, deal_duration_rollup) and the few deals the pipeline
// model needs one by one, for one or more moments at once: the forecast and its backtests, the
// plan, its baseline at the period start and its backtest (src/server/metrics/pipelineFacts.ts
// turns them into the facts at each moment).
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '~/server/db/client';
import { DEAL_CYCLE, epochHourSql, epochMsSql, irregularDeal, openDeal, regularDeal } from '~/server/projector/planRollups';
import { HOUR_MS, WIN_RATE_WINDOW_DAYS, type DealFact, type DealRollupParts, type OpenCell } from './pipelineFacts';

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const isoDay = (ms: number) => iso(ms).slice(0, 10);

/** A deal read one by one, with its amount and whether it passes the caller's filters. */
export interface ScopedDeal extends DealFact {
  amountCents: number | null;
  inScope: boolean;
}

const dealType = (t: string) => (t === '' ? null : t);

interface DealRow {
  id: string;
  deal_type: string | null;
  created: number;
  won: number | null;
  lost: number | null;
  started: number | null;
  amount: number | null;
  in_scope: boolean;
}

const num = (v: number | null) => (v === null ? null : Number(v));
const toDeal = (r: DealRow): ScopedDeal => ({
  id: r.id,
  dealType: r.deal_type,
  createdAt: Number(r.created),
  wonAt: num(r.won),
  lostAt: num(r.lost),
  startedAt: num(r.started),
  amountCents: num(r.amount),
  inScope: r.in_scope,
});

/**
 * The rollup parts for the moments `moments` (epoch ms): close cells of every whole day any of
 * their win-rate windows covers, the histograms, the open-deal cells, and the deals read one by
 * one; `inScope` (over `opportunities o`; none: every deal) marks those the caller counts, and
 * gives the open cells' scoped deals and amounts.
 */
export async function readDealRollupParts(db: Db, moments: readonly number[], inScope?: SQL): Promise<DealRollupParts & { regular: ScopedDeal[]; irregular: ScopedDeal[] }> {
  const first = Math.min(...moments);
  const last = Math.max(...moments);
  const windowDays = WIN_RATE_WINDOW_DAYS * DAY_MS;
  const dayFrom = Math.ceil((first - windowDays) / DAY_MS) * DAY_MS;
  const dayTo = Math.floor(last / DAY_MS) * DAY_MS;
  const since = Math.floor(first / DAY_MS) * DAY_MS;
  // The partial day at the start of each window: its closes are read one by one.
  const lowerEdges = moments.map((m) => [m - windowDays, Math.ceil((m - windowDays) / DAY_MS) * DAY_MS] as const).filter(([a, b]) => a < b);
  const edgeArms = lowerEdges.flatMap(([a, b]) => [
    sql`select opportunity_id from opportunities where won_at >= ${iso(a)}::timestamptz and won_at < ${iso(b)}::timestamptz`,
    sql`select opportunity_id from opportunities where lost_at >= ${iso(a)}::timestamptz and lost_at < ${iso(b)}::timestamptz`,
  ]);
  // Deals open now created in a moment's own hour, before it: the open cells hold that hour whole.
  const partialHours = moments
    .map((m) => [Math.floor(m / HOUR_MS) * HOUR_MS, m] as const)
    .filter(([a, b]) => a < b)
    .map(([a, b]) => sql`select opportunity_id from opportunities o where ${sql.raw(openDeal('o'))} and o.created_at >= ${iso(a)}::timestamptz and o.created_at < ${iso(b)}::timestamptz`);
  const scope = inScope ?? sql`true`;
  const columns = sql`o.opportunity_id as id, o.deal_type, ${sql.raw(epochMsSql('o.created_at'))} as created,
    ${sql.raw(epochMsSql('o.won_at'))} as won, ${sql.raw(epochMsSql('o.lost_at'))} as lost, ${sql.raw(epochMsSql('b.started_at'))} as started,
    o.amount_cents::float8 as amount, ${scope} as in_scope`;
  type CellRow = { deal_type: string; hour: number; deals: number; cents: number };
  const [closeDays, durations, openNow, scopedNow, regular, irregular] = await Promise.all([
    rows<{ day: string; deal_type: string; outcome: 'won' | 'lost'; deals: number }>(
      db,
      sql`select to_char(day, 'YYYY-MM-DD') as day, deal_type, outcome, deals from deal_close_rollup
        where day >= ${isoDay(dayFrom)}::date and day < ${isoDay(dayTo)}::date`,
    ),
    rows<{ measure: number; deal_type: string; hours: number; deals: number }>(
      db,
      sql`select measure, deal_type, hours, deals from deal_duration_rollup order by measure, deal_type, hours`,
    ),
    rows<CellRow>(db, sql`select deal_type, hour, deals, amount_cents::float8 as cents from deal_open_rollup`),
    inScope === undefined
      ? Promise.resolve(null)
      : rows<CellRow>(
          db,
          sql`select coalesce(o.deal_type, '') as deal_type, ${sql.raw(epochHourSql('o.created_at'))} as hour, count(*)::int as deals,
            coalesce(sum(o.amount_cents), 0)::float8 as cents
          from opportunities o where ${sql.raw(openDeal('o'))} and ${inScope} group by 1, 2`,
        ),
    rows<DealRow>(
      db,
      sql`select ${columns}
      from opportunities o left join onboardings b on b.opportunity_id = o.opportunity_id
      where ${sql.raw(regularDeal('o'))} and o.opportunity_id in (
        select opportunity_id from opportunities where won_at >= ${iso(since)}::timestamptz
        union select opportunity_id from opportunities where lost_at >= ${iso(since)}::timestamptz
        union select opportunity_id from onboardings where started_at >= ${iso(first)}::timestamptz
        ${edgeArms.length + partialHours.length > 0 ? sql`union ${sql.join([...edgeArms, ...partialHours], sql` union `)}` : sql``}
      )`,
    ),
    rows<DealRow>(
      db,
      sql`select ${columns}
      from opportunities o left join onboardings b on b.opportunity_id = o.opportunity_id
      where ${sql.raw(irregularDeal('o'))} and o.created_at is not null`,
    ),
  ]);
  const scoped = new Map<string, CellRow>();
  for (const c of scopedNow ?? []) scoped.set(`${c.deal_type}\u0000${Number(c.hour)}`, c);
  const openCells: OpenCell[] = openNow.map((c) => {
    const hour = Number(c.hour);
    const s = scopedNow === null ? c : scoped.get(`${c.deal_type}\u0000${hour}`);
    return { dealType: dealType(c.deal_type), hour, deals: Number(c.deals), scopedDeals: s ? Number(s.deals) : 0, scopedCents: s ? Number(s.cents) : 0 };
  });
  return {
    closeDays: closeDays.map((c) => ({ day: Date.parse(`${c.day}T00:00:00Z`), dealType: dealType(c.deal_type), outcome: c.outcome, deals: Number(c.deals) })),
    cycles: durations.filter((d) => Number(d.measure) === DEAL_CYCLE).map((d) => ({ dealType: dealType(d.deal_type), hours: Number(d.hours), deals: Number(d.deals) })),
    lags: durations.filter((d) => Number(d.measure) !== DEAL_CYCLE).map((d) => ({ hours: Number(d.hours), deals: Number(d.deals) })),
    openNow: openCells,
    regular: regular.map(toDeal),
    irregular: irregular.map(toDeal),
  };
}

/** Times of the wins (of created deals) and onboarding starts in [from, to), for scoring a past forecast. */
export async function winsAndStartsBetween(db: Db, from: number, to: number): Promise<{ wins: number[]; starts: number[] }> {
  const [wins, starts] = await Promise.all([
    rows<{ at: number }>(
      db,
      sql`select ${sql.raw(epochMsSql('won_at'))} as at from opportunities
        where won_at >= ${iso(from)}::timestamptz and won_at < ${iso(to)}::timestamptz and created_at is not null`,
    ),
    rows<{ at: number }>(
      db,
      sql`select ${sql.raw(epochMsSql('started_at'))} as at from onboardings
        where started_at >= ${iso(from)}::timestamptz and started_at < ${iso(to)}::timestamptz`,
    ),
  ]);
  return { wins: wins.map((r) => Number(r.at)), starts: starts.map((r) => Number(r.at)) };
}
