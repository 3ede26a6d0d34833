// The door: validates a batch event by event, keeps every rejected event with its exact bytes and
// reasons, appends the accepted ones to the raw log (deduplicated on key + sender id) and commits.
// Applying them to the read model is the projector's job, behind the door.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '~/server/db/client';
import { jsonParam } from '~/server/db/params';
import { rejectedEvents } from '~/server/db/schema';
import { wakeProjector } from '~/server/projector/signal';
import { accountIdOf, entityKeyOf, type Department, type IngestEvent } from './catalogue';
import { findUnstorable, printable, storableJson } from './storable';
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
  /**
   * The raw-log position of the batch (the id of the transaction that stored it; for a batch of
   * duplicates only, of the one that stored them first). Null when nothing was stored.
   */
  watermark: number | null;
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

export interface IngestOptions {
  translate?: Translate;
  /**
   * Each item's bytes as sent, when the caller can find them (kept exactly for rejected items).
   * Called only when an item is rejected: a clean batch never pays for the byte scan.
   */
  rawBytes?: () => readonly (Buffer | undefined)[] | null;
}

type Judged = { ok: true; event: IngestEvent } | { ok: false; rejection: Rejection; type: string | null };

/** Each item is judged alone: whatever one holds, the others are accepted or rejected on their own. */
function judge(raw: unknown, index: number, department: Department, translate: Translate | undefined): Judged {
  const unstorable = findUnstorable(raw);
  if (unstorable) {
    return { ok: false, type: safeField(raw, 'type'), rejection: { index, id: safeField(raw, 'id'), status: 422, errors: [unstorable] } };
  }
  const translated = translate ? translate(raw) : { ok: true as const, event: raw };
  if (!translated.ok) {
    return { ok: false, type: null, rejection: { index, id: translated.id, status: 422, errors: translated.errors } };
  }
  const result = validateEvent(translated.event, department);
  if (result.ok) return result;
  return { ok: false, type: result.type, rejection: { index, id: result.id, status: result.status, errors: result.errors } };
}

function safeField(raw: unknown, field: string): string | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const value = (raw as Record<string, unknown>)[field];
  return typeof value === 'string' ? printable(value).slice(0, 200) : null;
}

export async function ingestEvents(db: Db, sender: Sender, batch: unknown[], options: IngestOptions = {}): Promise<IngestResult> {
  const valid: IngestEvent[] = [];
  const rejected: Rejection[] = [];
  const rejectedRows: (typeof rejectedEvents.$inferInsert)[] = [];
  let spans: readonly (Buffer | undefined)[] | null | undefined;
  const bytesOf = (index: number) => {
    if (spans === undefined) spans = options.rawBytes?.() ?? null;
    return spans?.[index];
  };
  batch.forEach((raw, index) => {
    const judged = judge(raw, index, sender.department, options.translate);
    if (judged.ok) {
      valid.push(judged.event);
      return;
    }
    const { rejection } = judged;
    rejected.push(rejection);
    rejectedRows.push({
      apiKeyId: sender.apiKeyId,
      department: sender.department,
      batchIndex: index,
      eventId: rejection.id === null ? null : printable(rejection.id),
      type: judged.type === null ? null : printable(judged.type).slice(0, 200),
      raw: storableJson(raw),
      rawBody: bytesOf(index) ?? Buffer.from(JSON.stringify(raw ?? null) ?? 'null', 'utf8'),
      status: rejection.status,
      errors: printableErrors(rejection.errors),
    });
  });

  const stored = await db.transaction(async (tx) => {
    // The log first: the projector's horizon relies on a writer of the log holding its lock
    // from the moment the transaction has an id.
    const appended = await appendEvents(tx, sender, valid);
    if (rejectedRows.length > 0) await tx.insert(rejectedEvents).values(rejectedRows);
    return appended;
  });
  if (stored.accepted > 0) wakeProjector();
  return { accepted: stored.accepted, duplicates: valid.length - stored.accepted, rejected, watermark: stored.watermark };
}

export function printableErrors(errors: FieldError[]): FieldError[] {
  return errors.map((e) => ({ path: printable(e.path), message: printable(e.message) }));
}

/**
 * Appends validated events to the log in one statement; the same key + id is stored once. Returns
 * how many were new and the batch's watermark. The events were judged storable (`findUnstorable`),
 * so they travel as plain JSON.
 */
export async function appendEvents(tx: Db, sender: Sender, valid: IngestEvent[]): Promise<{ accepted: number; watermark: number | null }> {
  if (valid.length === 0) return { accepted: 0, watermark: null };
  const inserted = await rows<{ tx: string | number }>(
    tx,
    sql`
    insert into events (api_key_id, department, event_id, type, occurred_at, entity_key, account_id, data)
    select ${sender.apiKeyId}, ${sender.department}, e.id, e.type, e.occurred_at, e.entity_key, e.account_id, e.data
    from jsonb_to_recordset(${JSON.stringify(
      valid.map((e) => ({
        id: e.id,
        type: e.type,
        occurred_at: e.occurredAt.toISOString(),
        entity_key: entityKeyOf(e),
        account_id: accountIdOf(e),
        data: e.data,
      })),
    )}::jsonb) as e(id text, type text, occurred_at timestamptz, entity_key text, account_id text, data jsonb)
    on conflict (api_key_id, event_id) do nothing
    returning tx`,
  );
  let watermark = inserted.length > 0 ? Number(inserted[0]!.tx) : null;
  if (inserted.length < valid.length) {
    // Duplicates were stored by earlier batches: the batch is applied once the latest of those is.
    const [earlier] = await rows<{ tx: string | number | null }>(
      tx,
      sql`select max(tx) as tx from events
          where api_key_id = ${sender.apiKeyId}
            and event_id = any(array(select jsonb_array_elements_text(${jsonParam(valid.map((e) => e.id))})))`,
    );
    if (earlier?.tx !== null && earlier?.tx !== undefined) watermark = Math.max(watermark ?? 0, Number(earlier.tx));
  }
  return { accepted: inserted.length, watermark };
}
