// The reports read from the rollups must give exactly what the per-journey reference queries
// give, for whole months, whole days and partial days, every filter, after a bulk load (rollups
// filled once) and after live chunks (rollups kept by delta); and a rebuild fills the same rollups.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, sql, type DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { dumpReadModel } from '~/server/ingest/factories';
import { ingestEvents } from '~/server/ingest/ingest';
import { applyPending } from '~/server/projector/projector';
import { rebuildReadModel } from '~/server/projector/rebuild';
import { rollupTables } from '~/server/projector/rollups';
import { generateDemo } from '../../../seed/generate';
import { ensureDemoKeys, seedDemo } from '../../../seed/seed';
import { attributionReport } from './attribution';
import type { DateRange, MetricFilters } from './filters';
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
const anchor = new Date('2026-01-15T00:00:00Z');

beforeAll(async () => {
  handle = await createTestDb();
  await seedDemo(handle.db, { leads: 300, seed: 11, anchor });
}, 600_000);
afterAll(() => handle.close());

const ranges: DateRange[] = [
  { from: '2024-01-01', to: '2026-02-01' }, // everything: whole months
  { from: '2025-03-10', to: '2025-09-20' }, // days, then months, then days
  { from: '2025-03-10T13:00:00Z', to: '2025-09-02T07:30:00Z' }, // partial days at both ends
  { from: '2025-06-03T01:00:00Z', to: '2025-06-03T23:00:00Z' }, // within one day
  { from: '2025-12-16', to: '2026-01-15' }, // the last 30 days
];

async function filterSets(): Promise<MetricFilters[]> {
  const [top] = await rows<{ source: string; campaign_id: string; segment: string; deal_type: string }>(
    handle.db,
    sql`select
      (select source from leads group by 1 order by count(*) desc, 1 limit 1) as source,
      (select campaign_id from leads where campaign_id is not null group by 1 order by count(*) desc, 1 limit 1) as campaign_id,
      (select segment from leads where segment is not null group by 1 order by count(*) desc, 1 limit 1) as segment,
      (select deal_type from leads where deal_type is not null group by 1 order by count(*) desc, 1 limit 1) as deal_type`,
  );
  return [
    {},
    { source: top!.source },
    { campaign: top!.campaign_id },
    { segment: top!.segment },
    { dealType: top!.deal_type },
    { source: top!.source, segment: top!.segment },
  ];
}

async function expectReportsEqualReference(): Promise<number> {
  let compared = 0;
  for (const filters of await filterSets()) {
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
    // A second demo over the same ids: new touches, opportunities and wins land on existing
    // journeys and accounts (segments and deal types change), applied in small live chunks.
    const keys = await ensureDemoKeys(handle.db);
    for (const batch of generateDemo({ leads: 120, seed: 12, anchor })) {
      const events = batch.events.map((e) => ({ ...e, id: `again-${e.id}` }));
      await ingestEvents(handle.db, { apiKeyId: keys[batch.department], department: batch.department }, events);
      await applyPending(handle.db, { chunkSize: 700 });
    }
    await expectReportsEqualReference();
    const live = await dumpRollups();
    await rebuildReadModel(handle.db);
    expect(await dumpRollups()).toEqual(live);
  }, 900_000);
});
