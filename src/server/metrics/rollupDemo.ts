// The demo the rollup tests compare against the reference implementations: 300 leads loaded in
// bulk, the filter sets they are read with, and a second demo over the same ids applied in live
// chunks (used by tests only).
import { rows, sql, type Db } from '~/server/db/client';
import { ingestEvents } from '~/server/ingest/ingest';
import { applyPending } from '~/server/projector/projector';
import { generateDemo } from '../../../seed/generate';
import { ensureDemoKeys, seedDemo } from '../../../seed/seed';
import type { MetricFilters } from './filters';

export const rollupDemoAnchor = new Date('2026-01-15T00:00:00Z');

/** 300 demo leads up to the anchor, stored by the door and projected in one bulk pass. */
export async function seedRollupDemo(db: Db): Promise<void> {
  await seedDemo(db, { leads: 300, seed: 11, anchor: rollupDemoAnchor });
}

/** No filter, each filter alone at its most common value, and two together. */
export async function rollupFilterSets(db: Db): Promise<MetricFilters[]> {
  const [top] = await rows<{ source: string; campaign_id: string; segment: string; deal_type: string }>(
    db,
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

/**
 * A second demo over the same ids, applied in small live chunks: new touches, opportunities and
 * wins land on existing journeys and accounts (segments and deal types change).
 */
export async function applySecondDemoLive(db: Db): Promise<void> {
  const keys = await ensureDemoKeys(db);
  for (const batch of generateDemo({ leads: 120, seed: 12, anchor: rollupDemoAnchor })) {
    const events = batch.events.map((e) => ({ ...e, id: `again-${e.id}` }));
    await ingestEvents(db, { apiKeyId: keys[batch.department], department: batch.department }, events);
    await applyPending(db, { chunkSize: 700 });
  }
}
