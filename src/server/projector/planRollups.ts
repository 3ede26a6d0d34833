// The rollups the plan and the onboarding forecast read (docs/rollups.md, "Plan and forecast"),
// kept in the projector's transaction like the others:
// - journey_reach_rollup: the inquiry cohort by day (and month) and dimensions, with how many were
//   qualified and won and the converting opportunities' amounts; it moves with the journeys, on
//   the same signed journey rows as the journey rollups (`addJourneyReach`, called by addJourneys);
// - deal_close_rollup, deal_duration_rollup and deal_open_rollup: closes per day, deal type and
//   outcome; the cycle and onboarding-lag histograms of won deals in whole hours; and the deals
//   open now by deal type and creation hour, with their amounts. A deal's contribution depends on
//   its own row and its onboarding only, so a chunk takes the old one out before it recomputes the
//   opportunities (`takeOutDeals`) and puts the new one in after the onboardings (`putInDeals`).
// Deals whose times are out of order (created after their close, or lost before they were won)
// count nowhere here: the readers take those few one by one (`irregularDeal`).
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '~/server/db/client';
import { keyArray } from '~/server/db/params';
import type { JourneyRows } from './rollups';

export const planRollupTables = ['journey_reach_rollup', 'deal_close_rollup', 'deal_duration_rollup', 'deal_open_rollup'] as const;

/** Duration measures of deal_duration_rollup. */
export const DEAL_CYCLE = 0;
export const DEAL_ONBOARDING_LAG = 1;

/** Milliseconds since the epoch as float8, the same double the readers compute in JS. */
export const epochMsSql = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`;

/** The forecast's and the plan's resolution of durations and of open deals' ages (docs/metrics.md). */
export const HOUR_MS = 3_600_000;
/** Whole hours from `from` to `to` (floor), in the same float8 arithmetic as `wholeHours` in JS. */
export const hoursBetweenSql = (from: string, to: string) => `floor((${epochMsSql(to)} - ${epochMsSql(from)}) / ${HOUR_MS})::int`;
/** The epoch hour a time falls in. */
export const epochHourSql = (column: string) => `floor(${epochMsSql(column)} / ${HOUR_MS})::int`;

/**
 * A deal whose times are out of order: created after its win or loss, or lost before it was won.
 * What it counts for depends on the moment in ways a per-day cell cannot hold; the readers take
 * these one by one (a partial index finds them).
 */
export const irregularDeal = (o: string) =>
  `(${o}.created_at > ${o}.won_at or ${o}.created_at > ${o}.lost_at or ${o}.lost_at < ${o}.won_at)`;
/** A deal the deal rollups count: created, times in order. */
export const regularDeal = (o: string) => `(${o}.created_at is not null and not coalesce(${irregularDeal(o)}, false))`;

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1).join(', ');

type WriteMode = 'fill' | 'delta';
const grouped = (mode: WriteMode, keys: number, sums: string[]) =>
  mode === 'fill'
    ? sql.raw(`group by ${range(keys)} order by ${range(keys)}`)
    : sql.raw(`group by ${range(keys)} having ${sums.map((s) => `${s} <> 0`).join(' or ')}`);

// ---------------------------------------------------------------- journey reach

/** Reach rows (inquiry cohort) of the journey rows `rows` and `where` select, each with its sign. */
export function reachContributions(where: SQL, rows: JourneyRows): SQL {
  return sql`
    select ${rows.sign} as sign, (l.inquiry_at at time zone 'UTC')::date as day, l.source, coalesce(l.campaign_id, '') as campaign_id,
      coalesce(l.segment, '') as segment, coalesce(l.deal_type, '') as deal_type, l.inquiry_at as at,
      1 as inquiries, (l.qualification_at is not null)::int as qualified, (l.conversion_at is not null)::int as converted,
      case when l.conversion_at is not null then l.converted_amount_cents else 0 end as converted_cents
    from ${rows.from}
    where l.inquiry_at is not null and ${where}`;
}

const reachKeys = ['grain', 'bucket', 'source', 'campaign_id', 'segment', 'deal_type'];
const reachMeasures = ['inquiries', 'qualified', 'converted', 'converted_cents'];

/** Adds the reach rows of these journey rows to journey_reach_rollup (cells left at zero are deleted). */
export async function addJourneyReach(tx: Db, where: SQL, rows: JourneyRows, mode: WriteMode): Promise<void> {
  const sums = reachMeasures.map((m) => `sum(c.sign * c.${m})`);
  await tx.execute(sql`
    insert into journey_reach_rollup (${sql.raw(reachKeys.join(', '))}, ${sql.raw(reachMeasures.join(', '))})
    select g.grain, g.bucket, c.source, c.campaign_id, c.segment, c.deal_type, ${sql.raw(sums.join(', '))}
    from (${reachContributions(where, rows)}) c
    cross join lateral (values ('day', c.day), ('month', date_trunc('month', c.day::timestamp)::date)) g(grain, bucket)
    ${grouped(mode, reachKeys.length, sums)}
    on conflict (${sql.raw(reachKeys.join(', '))}) do update set
      ${sql.raw(reachMeasures.map((m) => `${m} = journey_reach_rollup.${m} + excluded.${m}`).join(', '))}`);
  if (mode === 'delta') await tx.execute(sql`delete from journey_reach_rollup where inquiries = 0`);
}

// ---------------------------------------------------------------- deals

/** Close rows (day, deal_type, outcome) of the regular deals `where` selects over `opportunities o`. */
export function closeContributions(where: SQL): SQL {
  return sql`
    select (o.won_at at time zone 'UTC')::date as day, coalesce(o.deal_type, '') as deal_type, 'won'::text as outcome, o.won_at as at
    from opportunities o where o.won_at is not null and ${sql.raw(regularDeal('o'))} and ${where}
    union all
    select (o.lost_at at time zone 'UTC')::date, coalesce(o.deal_type, ''), 'lost', o.lost_at
    from opportunities o where o.lost_at is not null and o.won_at is null and ${sql.raw(regularDeal('o'))} and ${where}`;
}

/** Duration rows (measure, deal_type, hours) of the regular won deals `where` selects over `opportunities o`. */
export function durationContributions(where: SQL): SQL {
  return sql`
    select ${DEAL_CYCLE}::smallint as measure, coalesce(o.deal_type, '') as deal_type, ${sql.raw(hoursBetweenSql('o.created_at', 'o.won_at'))} as hours
    from opportunities o where o.won_at is not null and ${sql.raw(regularDeal('o'))} and ${where}
    union all
    select ${DEAL_ONBOARDING_LAG}::smallint, '', ${sql.raw(hoursBetweenSql('o.won_at', 'b.started_at'))}
    from opportunities o join onboardings b on b.opportunity_id = o.opportunity_id
    where o.won_at is not null and b.started_at is not null and ${sql.raw(regularDeal('o'))} and ${where}`;
}

/** A regular deal open now: never won nor lost. */
export const openDeal = (o: string) => `(${o}.created_at is not null and ${o}.won_at is null and ${o}.lost_at is null)`;

/** Open-deal rows (deal_type, creation hour, amount) of the deals `where` selects over `opportunities o`. */
export function openContributions(where: SQL): SQL {
  return sql`
    select coalesce(o.deal_type, '') as deal_type, ${sql.raw(epochHourSql('o.created_at'))} as hour, coalesce(o.amount_cents, 0) as amount_cents
    from opportunities o where ${sql.raw(openDeal('o'))} and ${where}`;
}

async function addDeals(tx: Db, where: SQL, sign: 1 | -1, mode: WriteMode): Promise<void> {
  await tx.execute(sql`
    insert into deal_close_rollup (day, deal_type, outcome, deals)
    select c.day, c.deal_type, c.outcome, ${sign} * count(*) from (${closeContributions(where)}) c
    ${grouped(mode, 3, ['count(*)'])}
    on conflict (day, deal_type, outcome) do update set deals = deal_close_rollup.deals + excluded.deals`);
  await tx.execute(sql`
    insert into deal_duration_rollup (measure, deal_type, hours, deals)
    select c.measure, c.deal_type, c.hours, ${sign} * count(*) from (${durationContributions(where)}) c
    ${grouped(mode, 3, ['count(*)'])}
    on conflict (measure, deal_type, hours) do update set deals = deal_duration_rollup.deals + excluded.deals`);
  await tx.execute(sql`
    insert into deal_open_rollup (deal_type, hour, deals, amount_cents)
    select c.deal_type, c.hour, ${sign} * count(*), ${sign} * sum(c.amount_cents) from (${openContributions(where)}) c
    ${grouped(mode, 2, ['count(*)'])}
    on conflict (deal_type, hour) do update set deals = deal_open_rollup.deals + excluded.deals,
      amount_cents = deal_open_rollup.amount_cents + excluded.amount_cents`);
}

/** Takes the contribution of these deals (opportunity ids) out, before their rows are recomputed. */
export async function takeOutDeals(tx: Db, opportunityIds: ReadonlySet<string>): Promise<void> {
  if (opportunityIds.size === 0) return;
  await addDeals(tx, sql`o.opportunity_id = any(${keyArray(opportunityIds)})`, -1, 'delta');
}

/** Puts the contribution of these deals back in, after their opportunities and onboardings are recomputed. */
export async function putInDeals(tx: Db, opportunityIds: ReadonlySet<string>): Promise<void> {
  if (opportunityIds.size === 0) return;
  await addDeals(tx, sql`o.opportunity_id = any(${keyArray(opportunityIds)})`, 1, 'delta');
  await tx.execute(sql`delete from deal_close_rollup where deals = 0`);
  await tx.execute(sql`delete from deal_duration_rollup where deals = 0`);
  await tx.execute(sql`delete from deal_open_rollup where deals = 0`);
}

/** Fills the deal rollups whole (the journey reach rollup is filled with the journey rollups). */
export async function fillDealRollups(tx: Db): Promise<void> {
  await addDeals(tx, sql`true`, 1, 'fill');
}
