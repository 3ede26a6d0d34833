// The plan and the onboarding forecast read from the rollups must give what the per-journey and
// per-deal reference gives, for plans made now and in the past (whole and partial days), several
// windows and every filter, after a bulk load and after live chunks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, sql, type DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { applySecondDemoLive, rollupFilterSets, seedRollupDemo } from './rollupDemo';
import { onboardingForecast } from './forecast';
import { revenuePlan } from './plan';
import { forecastReference } from './reference/forecast';
import { planReference } from './reference/plan';

let handle: DbHandle;

beforeAll(async () => {
  handle = await createTestDb();
  await seedRollupDemo(handle.db);
}, 600_000);
afterAll(() => handle.close());

/** Numbers to 9 significant digits: sums taken in another order may differ in the last bits. */
function rounded(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) && value !== 0 ? Number(value.toPrecision(9)) : value;
  if (Array.isArray(value)) return value.map(rounded);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]));
  return value;
}

/** (moment the plan is made, window): a partial day in the current quarter, a past quarter, a midnight. */
const plans = [
  { asOf: '2026-01-14T15:30:00Z', windowDays: 365 },
  { asOf: '2025-11-20T08:00:00Z', windowDays: 90 },
  { asOf: '2025-08-03T00:00:00Z', windowDays: 28 },
];
const forecasts = ['2026-01-15T00:00:00Z', '2026-01-14T15:30:00Z', '2025-10-01T12:00:00Z'];

async function expectEqualReference(): Promise<number> {
  let compared = 0;
  for (const asOf of forecasts) {
    const forecast = await onboardingForecast(handle.db, { asOf });
    expect(rounded(forecast), `forecast ${asOf}`).toEqual(rounded(await forecastReference(handle.db, { asOf })));
    expect(forecast.openOpportunities).toBeGreaterThan(0);
    compared++;
  }
  for (const filters of await rollupFilterSets(handle.db)) {
    for (const p of plans) {
      const request = { targetCents: 40_000_000, periodKind: 'quarter' as const, filters, ...p };
      const what = JSON.stringify(request);
      const plan = await revenuePlan(handle.db, request);
      if (Object.keys(filters).length === 0 && p.windowDays === 365) expect(plan.facts.sources.some((s) => s.winDays.length > 0), what).toBe(true);
      expect(rounded(plan), `plan ${what}`).toEqual(rounded(await planReference(handle.db, request)));
      compared++;
    }
  }
  return compared;
}

describe('plan and forecast rollups against the per-journey reference', () => {
  it('after a bulk load (filled once at its end)', async () => {
    const [cells] = await rows<{ inquiries: number; cycles: number }>(
      handle.db,
      sql`select (select sum(inquiries)::int from journey_reach_rollup where grain = 'day') as inquiries,
        (select sum(deals)::int from deal_duration_rollup where measure = 0) as cycles`,
    );
    expect(cells?.inquiries).toBeGreaterThan(200);
    expect(cells?.cycles).toBeGreaterThan(10);
    expect(await expectEqualReference()).toBe(3 + 18);
  }, 900_000);

  it('after live chunks (kept by delta)', async () => {
    await applySecondDemoLive(handle.db);
    await expectEqualReference();
  }, 900_000);
});
