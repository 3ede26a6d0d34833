// The onboarding forecast from every opportunity and onboarding one by one, as it was computed
// before the deal rollups: the reference the rollup path is compared with (tests, bench:queries).
import { sql } from 'drizzle-orm';
import { rows, type Db } from '~/server/db/client';
import { getSetting } from '~/server/settings';
import { BACKTEST_WEEKS_AGO, forecastInput, type ForecastRequest, type OnboardingForecast } from '../forecast';
import { backtest, forecastOnboarding, WIN_RATE_WINDOW_DAYS, type ForecastInput } from '../forecastMath';

const DAY_MS = 86_400_000;
const epochMs = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);

/** Every fact the forecast and its backtests need, read once. */
async function forecastFacts(db: Db, asOf: number): Promise<ForecastInput> {
  const weeks = await getSetting(db, 'forecastWeeks');
  // A deal lost before the win-rate window of the earliest backtest counts nowhere: not read.
  const lostBefore = asOf - (WIN_RATE_WINDOW_DAYS + 1) * DAY_MS - Math.max(...BACKTEST_WEEKS_AGO) * 7 * DAY_MS;
  const opportunities = await rows<{ id: string; deal_type: string | null; created: number; won: number | null; lost: number | null }>(
    db,
    sql`select opportunity_id as id, deal_type, ${epochMs('created_at')} as created, ${epochMs('won_at')} as won, ${epochMs('lost_at')} as lost
    from opportunities
    where created_at is not null and (won_at is not null or lost_at is null or lost_at >= ${new Date(lostBefore).toISOString()}::timestamptz)`,
  );
  const onboardings = await rows<{ id: string; started: number }>(
    db,
    sql`select opportunity_id as id, ${epochMs('started_at')} as started from onboardings where started_at is not null`,
  );
  const capacity = await rows<{ week: string; slots: number }>(db, sql`select week, slots from capacity`);
  return {
    asOf,
    weeks,
    opportunities: opportunities.map((o) => ({
      id: o.id,
      dealType: o.deal_type,
      createdAt: Number(o.created),
      wonAt: o.won === null ? null : Number(o.won),
      lostAt: o.lost === null ? null : Number(o.lost),
    })),
    onboardings: onboardings.map((b) => ({ opportunityId: b.id, startedAt: Number(b.started) })),
    capacity: Object.fromEntries(capacity.map((c) => [c.week, Number(c.slots)])),
  };
}

/** The forecast and its 4/8/12-week backtests from every deal one by one. */
export async function forecastReference(db: Db, request: ForecastRequest = {}): Promise<OnboardingForecast> {
  const { asOf } = forecastInput.parse(request);
  const facts = await forecastFacts(db, asOf ? new Date(asOf).getTime() : Date.now());
  return { ...forecastOnboarding(facts), backtests: BACKTEST_WEEKS_AGO.map((weeksAgo) => backtest(facts, weeksAgo)) };
}
