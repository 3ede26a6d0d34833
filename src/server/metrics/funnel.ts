// The buyer-journey funnel: how many journeys reached each of the seven stages.
import { sql } from 'drizzle-orm';
import { one, type Db } from '~/server/db/client';

export const stages = ['awareness', 'inquiry', 'qualification', 'conversion', 'retention', 'expansion', 'advocacy'] as const;
export type Stage = (typeof stages)[number];

export interface StageCount {
  stage: Stage;
  journeys: number;
}

/** Journeys that reached at least each stage, over the whole read model. */
export async function stageCounts(db: Db): Promise<StageCount[]> {
  const row = await one<Record<Stage, number | string>>(
    db,
    sql`select
      count(awareness_at)::int as awareness, count(inquiry_at)::int as inquiry,
      count(qualification_at)::int as qualification, count(conversion_at)::int as conversion,
      count(retention_at)::int as retention, count(expansion_at)::int as expansion,
      count(advocacy_at)::int as advocacy
    from leads`,
  );
  return stages.map((stage) => ({ stage, journeys: Number(row[stage]) }));
}
