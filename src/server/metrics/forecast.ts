// Onboarding forecast for operations: the pipeline model at the moment asked (and at each
// backtest's moment) from the deal rollups and the few deals read one by one (docs/rollups.md,
// "Plan and forecast"), handed to the pure forecast math; `asOf` is an input so a forecast can be
// replayed. src/server/metrics/reference/forecast.ts computes the same from every deal.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { rows, type Db } from '~/server/db/client';
import { getSetting } from '~/server/settings';
import { readDealRollupParts, winsAndStartsBetween } from './dealRollupReads';
import { forecastFromModel, modelFromFacts, scoreForecast, type Backtest, type Forecast } from './forecastMath';
import { pipelineFactsFromRollups } from './pipelineFacts';

const WEEK_MS = 7 * 86_400_000;

export const BACKTEST_WEEKS_AGO = [4, 8, 12] as const;

export const forecastInput = z.object({
  /** the moment the forecast is made; default now */
  asOf: z.iso.datetime({ offset: true }).optional(),
});
export type ForecastRequest = z.input<typeof forecastInput>;

export interface OnboardingForecast extends Forecast {
  backtests: Backtest[];
}

/** Expected wins and onboarding starts per ISO week against capacity, with the 4/8/12-week backtests. */
export async function onboardingForecast(db: Db, request: ForecastRequest = {}): Promise<OnboardingForecast> {
  const parsed = forecastInput.parse(request);
  const asOf = parsed.asOf ? new Date(parsed.asOf).getTime() : Date.now();
  const madeAt = BACKTEST_WEEKS_AGO.map((weeksAgo) => asOf - weeksAgo * WEEK_MS);
  const earliest = Math.min(...madeAt);
  const [weeks, parts, capacityRows, happened] = await Promise.all([
    getSetting(db, 'forecastWeeks'),
    readDealRollupParts(db, [asOf, ...madeAt]),
    rows<{ week: string; slots: number }>(db, sql`select week, slots from capacity`),
    winsAndStartsBetween(db, earliest, asOf),
  ]);
  const capacity = Object.fromEntries(capacityRows.map((c) => [c.week, Number(c.slots)]));
  const forecastAt = (moment: number, weekCount: number) => forecastFromModel(modelFromFacts(pipelineFactsFromRollups(parts, moment)), weekCount, capacity);
  return {
    ...forecastAt(asOf, weeks),
    backtests: BACKTEST_WEEKS_AGO.map((weeksAgo) =>
      scoreForecast(forecastAt(asOf - weeksAgo * WEEK_MS, weeksAgo), asOf, weeksAgo, happened.wins, happened.starts),
    ),
  };
}
