// The ingestion log for admins: what each API key delivered and what was rejected, and why.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { dbNumber, typedRows, type Db } from '~/server/db/client';
import { isoText } from '~/server/metrics/filters';

const keyActivityRow = z.object({
  id: dbNumber,
  name: z.string(),
  department: z.string(),
  prefix: z.string(),
  ratePerMinute: dbNumber,
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  accepted: dbNumber,
  lastAcceptedAt: z.string().nullable(),
  rejected: dbNumber,
  rejectedOpen: dbNumber,
});
export type KeyActivity = z.output<typeof keyActivityRow>;

const iso = (column: string) => isoText(sql.raw(column));

/** Every API key with its accepted and rejected counts. */
export async function keyActivity(db: Db): Promise<KeyActivity[]> {
  return typedRows(
    db,
    sql`select k.id, k.name, k.department, k.prefix, k.rate_per_minute as "ratePerMinute",
        ${iso('k.created_at')} as "createdAt", ${iso('k.revoked_at')} as "revokedAt",
        coalesce(e.accepted, 0)::int as accepted, ${iso('e.last_at')} as "lastAcceptedAt",
        coalesce(r.rejected, 0)::int as rejected, coalesce(r.open, 0)::int as "rejectedOpen"
      from api_keys k
      left join (select api_key_id, count(*) as accepted, max(received_at) as last_at from events group by api_key_id) e on e.api_key_id = k.id
      left join (select api_key_id, count(*) as rejected, count(*) filter (where replayed_at is null) as open
                 from rejected_events group by api_key_id) r on r.api_key_id = k.id
      order by k.id`,
    keyActivityRow,
  );
}

const rejectedRow = z.object({
  id: dbNumber,
  apiKeyId: dbNumber.nullable(),
  department: z.string(),
  batchIndex: dbNumber.nullable(),
  eventId: z.string().nullable(),
  type: z.string().nullable(),
  raw: z.unknown(),
  rawText: z.string().nullable(),
  status: dbNumber,
  errors: z.unknown(),
  receivedAt: z.string(),
  replayedAt: z.string().nullable(),
  replayedEventPk: dbNumber.nullable(),
});
export type RejectedRow = z.output<typeof rejectedRow>;

export async function rejectedEventsList(
  db: Db,
  filter: { apiKeyId?: number; includeReplayed: boolean; limit: number; beforeId?: number },
): Promise<RejectedRow[]> {
  const where = [sql`true`];
  if (filter.apiKeyId !== undefined) where.push(sql`api_key_id = ${filter.apiKeyId}`);
  if (!filter.includeReplayed) where.push(sql`replayed_at is null`);
  if (filter.beforeId !== undefined) where.push(sql`id < ${filter.beforeId}`);
  return typedRows(
    db,
    sql`select id::int as id, api_key_id as "apiKeyId", department, batch_index as "batchIndex", event_id as "eventId", type,
        raw, left(raw_text, 2000) as "rawText", status::int as status, errors,
        ${iso('received_at')} as "receivedAt", ${iso('replayed_at')} as "replayedAt", replayed_event_pk::float8 as "replayedEventPk"
      from rejected_events where ${sql.join(where, sql` and `)}
      order by id desc limit ${filter.limit}`,
    rejectedRow,
  );
}
