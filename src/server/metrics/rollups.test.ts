// The reports read from the rollups must give exactly what the per-journey reference queries
// give, for whole months, whole days and partial days, every filter, after a bulk load (rollups
// filled once) and after live chunks (rollups kept by delta); and a rebuild fills the same rollups.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, sql, type DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { dumpReadModel } from '~/server/ingest/factories';
import { rebuildReadModel } from '~/server/projector/rebuild';
import { rollupTables } from '~/server/projector/rollups';
import { attributionReport } from './attribution';
import type { DateRange } from './filters';
import { applySecondDemoLive, rollupDemoAnchor as anchor, rollupFilterSets, seedRollupDemo } from './rollupDemo';
import { cohortTrend, funnel } from './funnel';
import { handoffs } from './handoffs';
import { leadQuality } from './leadQuality';
import { attributionReference } from './reference/attribution';
import { handoffsReference } from './reference/handoffs';
import { cohortTrendReference, funnelReference } from './reference/funnel';
import { leadQualityReference } from './reference/leadQuality';
import { sourcesReference } from './reference/sources';
import { sourcesReport } from './sources';
import { customerReport, customerValues, netRevenueRetention } from './customers';
import { kpiActual, kpiTargetStatuses } from './kpis';
import { customerReportReference, customerValuesReference, netRevenueRetentionReference } from './reference/customers';
import { kpiActualReference, kpiTargetStatusesReference } from './reference/kpis';
import { seedKpiTargets } from '../../../seed/kpiTargets';

let handle: DbHandle;

beforeAll(async () => {
  handle = await createTestDb();
  await seedRollupDemo(handle.db);
}, 600_000);
afterAll(() => handle.close());

const ranges: DateRange[] = [
  { from: '2024-01-01', to: '2026-02-01' }, // everything: whole months
  { from: '2025-03-10', to: '2025-09-20' }, // days, then months, then days
  { from: '2025-03-10T13:00:00Z', to: '2025-09-02T07:30:00Z' }, // partial days at both ends
  { from: '2025-06-03T01:00:00Z', to: '2025-06-03T23:00:00Z' }, // within one day
  { from: '2025-12-16', to: '2026-01-15' }, // the last 30 days
];

async function expectReportsEqualReference(): Promise<number> {
  let compared = 0;
  for (const filters of await rollupFilterSets(handle.db)) {
    for (const range of ranges) {
      const input = { range, filters };
      const what = JSON.stringify(input);
      for (const cohortBy of ['inquiry', 'awareness'] as const) {
        expect(await funnel(handle.db, { ...input, cohortBy }), `funnel ${cohortBy} ${what}`).toEqual(
          await funnelReference(handle.db, { ...input, cohortBy }),
        );
      }
      expect(await cohortTrend(handle.db, input), `trend ${what}`).toEqual(await cohortTrendReference(handle.db, input));
      expect(await sourcesReport(handle.db, input), `sources ${what}`).toEqual(await sourcesReference(handle.db, input));
      expect(await leadQuality(handle.db, input), `lead quality ${what}`).toEqual(await leadQualityReference(handle.db, input));
      expect(await attributionReport(handle.db, input), `attribution ${what}`).toEqual(await attributionReference(handle.db, input));
      // Open items judged at midnight and within a day (the SLA cut falls inside a day).
      for (const asOf of [anchor, new Date('2026-01-14T15:30:00Z')]) {
        expect(await handoffs(handle.db, { ...input, asOf }), `handoffs ${asOf.toISOString()} ${what}`).toEqual(
          await handoffsReference(handle.db, { ...input, asOf }),
        );
      }
      expect(await netRevenueRetention(handle.db, input), `retention ${what}`).toEqual(await netRevenueRetentionReference(handle.db, input));
      for (const now of [anchor, new Date('2026-01-14T15:30:00Z')]) {
        expect(await customerReport(handle.db, { ...input, now }), `customers ${now.toISOString()} ${what}`).toEqual(
          await customerReportReference(handle.db, { ...input, now }),
        );
      }
      for (const metric of ['won_deals', 'won_revenue', 'renewal_revenue', 'expansion_revenue'] as const) {
        expect(await kpiActual(handle.db, metric, range, filters), `kpi ${metric} ${what}`).toEqual(
          await kpiActualReference(handle.db, metric, range, filters),
        );
      }
      compared++;
    }
    for (const offset of [0, 20]) {
      expect(await customerValues(handle.db, { filters, limit: 20, offset }), `values ${JSON.stringify(filters)}`).toEqual(
        await customerValuesReference(handle.db, { filters, limit: 20, offset }),
      );
    }
  }
  await seedKpiTargets(handle.db, new Date('2026-01-08T00:00:00Z'));
  for (const asOf of [anchor, new Date('2026-01-14T15:30:00Z')]) {
    expect(await kpiTargetStatuses(handle.db, { asOf }), `kpis ${asOf.toISOString()}`).toEqual(await kpiTargetStatusesReference(handle.db, { asOf }));
  }
  return compared;
}

async function dumpRollups(): Promise<Record<string, string>> {
  const dump = await dumpReadModel(handle.db);
  return Object.fromEntries(rollupTables.map((t) => [t, dump[t]!]));
}

describe('rollups against the per-journey reference', () => {
  it('after a bulk load (filled once at its end)', async () => {
    const [total] = await rows<{ journeys: number }>(handle.db, sql`select sum(journeys)::int as journeys from journey_cohort_rollup where grain = 'day' and cohort = 'inquiry'`);
    expect(total?.journeys).toBe(300);
    expect(await expectReportsEqualReference()).toBe(30);
  }, 600_000);

  it('after live chunks (kept by delta), and a rebuild fills the same rollups', async () => {
    await applySecondDemoLive(handle.db);
    await expectReportsEqualReference();
    const live = await dumpRollups();
    await rebuildReadModel(handle.db);
    expect(await dumpRollups()).toEqual(live);
  }, 900_000);
});
