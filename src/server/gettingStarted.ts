// Whether this install has ever received events: a fresh one (no demo, nothing sent yet) shows a
// getting-started page instead of empty dashboards.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { typedOne, type Db } from '~/server/db/client';

export interface IngestionStatus {
  /** at least one event was ever accepted */
  everIngested: boolean;
  /** at least one event was ever refused (kept in the ingestion log) */
  anyRejected: boolean;
}

export async function ingestionStatus(db: Db): Promise<IngestionStatus> {
  const row = await typedOne(
    db,
    sql`select exists (select 1 from events) as accepted, exists (select 1 from rejected_events) as rejected`,
    z.object({ accepted: z.boolean(), rejected: z.boolean() }),
  );
  return { everIngested: row.accepted, anyRejected: row.rejected };
}
