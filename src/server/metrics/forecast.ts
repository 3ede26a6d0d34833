// Onboarding forecast for operations: reads opportunity, onboarding and capacity facts and hands
// them to the pure forecast math; `asOf` is an input so a forecast can be replayed.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { rows, type Db } from '~/server/db/client';
import { getSetting } from '~/server/settings';
import { backtest, forecastOnboarding, WIN_RATE_WINDOW_DAYS, type Backtest, type Forecast, type ForecastInput } from './forecastMath';

const DAY_MS = 86_400_000;

export const BACKTEST_WEEKS_AGO = [4, 8, 12] as const;

export const forecastInput = z.object({
  /** the moment the forecast is made; default now */
  asOf: z.iso.datetime({ offset: true }).optional(),
});
export type ForecastRequest = z.input<typeof forecastInput>;

export interface OnboardingForecast extends Forecast {
  backtests: Backtest[];
}

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

/** Expected wins and onboarding starts per ISO week against capacity, with the 4/8/12-week backtests. */
export async function onboardingForecast(db: Db, request: ForecastRequest = {}): Promise<OnboardingForecast> {
  const { asOf } = forecastInput.parse(request);
  const facts = await forecastFacts(db, asOf ? new Date(asOf).getTime() : Date.now());
  return { ...forecastOnboarding(facts), backtests: BACKTEST_WEEKS_AGO.map((weeksAgo) => backtest(facts, weeksAgo)) };
}
