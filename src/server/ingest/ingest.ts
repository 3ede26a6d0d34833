// Validates a batch, keeps every rejected event with its reasons, stores the accepted ones in the
// log and applies them to the read model, all in one transaction.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '~/server/db/client';
import { rejectedEvents } from '~/server/db/schema';
import { accountIdOf, entityKeyOf, type Department, type IngestEvent } from './catalogue';
import { jsonParam } from '~/server/db/params';
import { project, type StoredEvent } from './projection';
import { validateEvent, type FieldError } from './validate';

export const MAX_EVENTS_PER_BATCH = 1000;

export interface Rejection {
  index: number;
  id: string | null;
  status: 403 | 422;
  errors: FieldError[];
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: Rejection[];
}

export interface Sender {
  apiKeyId: number;
  department: Department;
}

/**
 * Turns what a sender posted into an event of our wire format before validation (the Segment
 * endpoint maps its calls this way); a rejected item is kept as it was posted.
 */
export type Translate = (raw: unknown) => { ok: true; event: unknown } | { ok: false; id: string | null; errors: FieldError[] };

export async function ingestEvents(db: Db, sender: Sender, batch: unknown[], translate?: Translate): Promise<IngestResult> {
  const valid: IngestEvent[] = [];
  const rejected: Rejection[] = [];
  const rejectedRows: (typeof rejectedEvents.$inferInsert)[] = [];
  batch.forEach((raw, index) => {
    const translated = translate ? translate(raw) : { ok: true as const, event: raw };
    const result = translated.ok
      ? validateEvent(translated.event, sender.department)
      : { ok: false as const, status: 422 as const, id: translated.id, type: null, errors: translated.errors };
    if (result.ok) {
      valid.push(result.event);
      return;
    }
    rejected.push({ index, id: result.id, status: result.status, errors: result.errors });
    rejectedRows.push({
      apiKeyId: sender.apiKeyId,
      department: sender.department,
      batchIndex: index,
      eventId: result.id,
      type: result.type,
      raw: storableJson(raw),
      status: result.status,
      errors: result.errors,
    });
  });

  const accepted = await db.transaction(async (tx) => {
    if (rejectedRows.length > 0) await tx.insert(rejectedEvents).values(rejectedRows);
    const stored = await storeEvents(tx, sender, valid);
    await project(tx, stored);
    return stored.length;
  });
  return { accepted, duplicates: valid.length - accepted, rejected };
}

/** Appends events to the log; returns the ones that were new (same key + id: applied once). */
export async function storeEvents(tx: Db, sender: Sender, valid: IngestEvent[]): Promise<StoredEvent[]> {
  if (valid.length === 0) return [];
  const inserted = await rows<{ pk: number | string; event_id: string }>(
    tx,
    sql`
    insert into events (api_key_id, department, event_id, type, occurred_at, entity_key, account_id, data)
    select ${sender.apiKeyId}, ${sender.department}, e.id, e.type, e.occurred_at, e.entity_key, e.account_id, e.data
    from jsonb_to_recordset(${jsonParam(
      valid.map((e) => ({
        id: e.id,
        type: e.type,
        occurred_at: e.occurredAt.toISOString(),
        entity_key: entityKeyOf(e),
        account_id: accountIdOf(e),
        data: e.data,
      })),
    )}) as e(id text, type text, occurred_at timestamptz, entity_key text, account_id text, data jsonb)
    on conflict (api_key_id, event_id) do nothing
    returning id as pk, event_id`,
  );
  const byId = new Map<string, IngestEvent>();
  for (const e of valid) if (!byId.has(e.id)) byId.set(e.id, e);
  return inserted.map((row) => ({ ...byId.get(row.event_id)!, pk: Number(row.pk) }));
}

/** JSON that jsonb can hold (no U+0000), for keeping a rejected event exactly as it came. */
export function storableJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null).replace(/\\u0000/g, '\\\\u0000'));
}
