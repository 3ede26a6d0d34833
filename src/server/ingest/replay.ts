// Replays a rejected event after a fix: the event as kept, or a corrected version of it, goes
// through the same validation and projection under the key that first sent it.
import { and, eq } from 'drizzle-orm';
import { audit, type Actor } from '~/server/auth/audit';
import type { Db } from '~/server/db/client';
import { apiKeys, events, rejectedEvents } from '~/server/db/schema';
import type { Department } from './catalogue';
import { applyPending } from '~/server/projector/projector';
import { appendEvents } from './ingest';
import { fromSegment, isSegmentCall } from './segment';
import { findUnstorable } from './storable';
import { validateEvent, type FieldError } from './validate';

export type ReplayResult =
  | { status: 'applied' | 'duplicate'; eventPk: number | null }
  | { status: 'invalid'; errors: FieldError[] }
  | { status: 'not_found' | 'already_replayed' | 'no_event' };

/** Audited as 'ingestion.replay' for `actor`; when the event is stored, in the same transaction. */
export async function replayRejected(db: Db, rejectedId: number, corrected?: unknown, actor: Actor | null = null): Promise<ReplayResult> {
  const details = (status: ReplayResult['status']) => ({ rejectedId, corrected: corrected !== undefined, status });
  const result = await replay(db, rejectedId, corrected, (tx, status) => audit(tx, actor, 'ingestion.replay', details(status)));
  if (result.status !== 'applied' && result.status !== 'duplicate') await audit(db, actor, 'ingestion.replay', details(result.status));
  // Applied at once when this process may project; otherwise the running projector takes it.
  if (result.status === 'applied') await applyPending(db);
  return result;
}

async function replay(
  db: Db,
  rejectedId: number,
  corrected: unknown,
  auditInside: (tx: Db, status: 'applied' | 'duplicate') => Promise<void>,
): Promise<ReplayResult> {
  const [row] = await db.select().from(rejectedEvents).where(eq(rejectedEvents.id, rejectedId));
  if (!row) return { status: 'not_found' };
  if (row.replayedAt) return { status: 'already_replayed' };
  const candidate = corrected ?? row.raw;
  if (candidate === null || candidate === undefined || row.apiKeyId === null) return { status: 'no_event' };

  const [key] = await db.select({ id: apiKeys.id, department: apiKeys.department }).from(apiKeys).where(eq(apiKeys.id, row.apiKeyId));
  if (!key) return { status: 'no_event' };
  // A call kept from the Segment endpoint is mapped the way it would have been.
  const translated = corrected === undefined && isSegmentCall(candidate) ? fromSegment(candidate) : { ok: true as const, event: candidate };
  if (!translated.ok) return { status: 'invalid', errors: translated.errors };
  const unstorable = findUnstorable(translated.event);
  if (unstorable) return { status: 'invalid', errors: [unstorable] };
  const check = validateEvent(translated.event, key.department as Department);
  if (!check.ok) return { status: 'invalid', errors: check.errors };

  const result = await db.transaction(async (tx): Promise<ReplayResult> => {
    const stored = await appendEvents(tx, { apiKeyId: key.id, department: key.department as Department }, [check.event]);
    const [event] = await tx
      .select({ id: events.id })
      .from(events)
      .where(and(eq(events.apiKeyId, key.id), eq(events.eventId, check.event.id)));
    const eventPk = stored.accepted > 0 ? (event?.id ?? null) : null;
    await tx.update(rejectedEvents).set({ replayedAt: new Date(), replayedEventPk: eventPk }).where(eq(rejectedEvents.id, rejectedId));
    const status = eventPk === null ? 'duplicate' : 'applied';
    await auditInside(tx, status);
    return { status, eventPk };
  });
  return result;
}
