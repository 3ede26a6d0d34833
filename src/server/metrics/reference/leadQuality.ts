// Reference implementation of lead quality, over the journeys' rows (see reference/funnel.ts).
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { dbNumber, typedRows, type Db } from '~/server/db/client';
import { ratio } from '~/lib/stats';
import { inRange, journeyFilters, type DateRange, type MetricFilters } from '../filters';
import type { LeadQuality, LeadQualityReport } from '../leadQuality';

interface Input {
  range: DateRange;
  filters?: MetricFilters;
}

const rawRow = z.object({ key: z.string().nullable(), reason: z.string().nullable(), leads: dbNumber, qualified: dbNumber, disqualified: dbNumber });

async function qualityRows(db: Db, input: Input, key: SQL): Promise<Map<string | null, LeadQuality>> {
  const found = await typedRows(
    db,
    sql`select ${key} as key, l.disqualified_reason as reason, count(*)::int as leads,
      count(l.qualification_at)::int as qualified, count(l.disqualified_at)::int as disqualified
    from leads l
    where ${inRange(sql`l.inquiry_at`, input.range)} and ${journeyFilters(input.filters ?? {})}
    group by 1, 2`,
    rawRow,
  );
  const byKey = new Map<string | null, LeadQuality>();
  for (const row of found) {
    const entry = byKey.get(row.key) ?? {
      leads: 0,
      qualified: 0,
      disqualified: 0,
      qualificationRate: null,
      disqualificationRate: null,
      reasons: [],
    };
    entry.leads += row.leads;
    entry.qualified += row.qualified;
    entry.disqualified += row.disqualified;
    if (row.reason !== null && row.disqualified > 0) entry.reasons.push({ reason: row.reason, leads: row.disqualified });
    byKey.set(row.key, entry);
  }
  for (const entry of byKey.values()) {
    entry.qualificationRate = ratio(entry.qualified, entry.leads);
    entry.disqualificationRate = ratio(entry.disqualified, entry.leads);
    entry.reasons.sort((a, b) => b.leads - a.leads || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
  }
  return byKey;
}

/** Most leads first, then by key (no campaign last). */
function ordered<K extends string | null>(byKey: Map<K, LeadQuality>): [K, LeadQuality][] {
  return [...byKey.entries()].sort(([ka, a], [kb, b]) => {
    if (b.leads !== a.leads) return b.leads - a.leads;
    if (ka === kb) return 0;
    if (ka === null) return 1;
    if (kb === null) return -1;
    return ka < kb ? -1 : 1;
  });
}

export async function leadQualityReference(db: Db, input: Input): Promise<LeadQualityReport> {
  const [bySource, byCampaign] = await Promise.all([
    qualityRows(db, input, sql`l.source`),
    qualityRows(db, input, sql`l.campaign_id`),
  ]);
  return {
    bySource: ordered(bySource).map(([source, quality]) => ({ source: String(source), ...quality })),
    byCampaign: ordered(byCampaign).map(([campaignId, quality]) => ({ campaignId, ...quality })),
  };
}
