// Whether this install has ever received events: a fresh one (no demo, nothing sent yet) shows a
// getting-started page instead of empty dashboards.
import { sql } from 'drizzle-orm';
import { one, type Db } from '~/server/db/client';

export interface IngestionStatus {
  /** at least one event was ever accepted */
  everIngested: boolean;
  /** at least one event was ever refused (kept in the ingestion log) */
  anyRejected: boolean;
}

export async function ingestionStatus(db: Db): Promise<IngestionStatus> {
  const row = await one<{ accepted: boolean; rejected: boolean }>(
    db,
    sql`select exists (select 1 from events) as accepted, exists (select 1 from rejected_events) as rejected`,
  );
  return { everIngested: row.accepted, anyRejected: row.rejected };
}
