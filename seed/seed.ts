// Loads the demo through the door (validate, store in the raw log), exactly as senders' batches
// would arrive, with one demo API key per department; then the whole log is projected in one bulk
// pass (or, into a read model that already holds events, applied by the projector in chunks).
import { and, eq, isNull } from 'drizzle-orm';
import { one, sql, type Db } from '~/server/db/client';
import { apiKeys } from '~/server/db/schema';
import { departments, type Department } from '~/server/ingest/catalogue';
import { createApiKey } from '~/server/ingest/apiKeys';
import { ingestEvents } from '~/server/ingest/ingest';
import { applyPending, projectorState } from '~/server/projector/projector';
import { rebuildReadModel } from '~/server/projector/rebuild';
import { setRollupMode } from '~/server/projector/rollups';
import { retryWhileUnreachable } from '~/server/db/retry';
import { generateDemo, resolveOptions, type DemoOptions } from './generate';

export function demoKeyName(department: Department): string {
  return `Demo ${department}`;
}

/**
 * The id of each department's demo key, created on first use. The keys' plaintexts are shown once
 * and not kept: the seed hands batches to the ingestion code with the key id, as the route does.
 */
export async function ensureDemoKeys(db: Db): Promise<Record<Department, number>> {
  const ids = {} as Record<Department, number>;
  for (const department of departments) {
    const [existing] = await db
      .select({ id: apiKeys.id })
      .from(apiKeys)
      .where(and(eq(apiKeys.name, demoKeyName(department)), eq(apiKeys.department, department), isNull(apiKeys.revokedAt)))
      .orderBy(apiKeys.id)
      .limit(1);
    ids[department] = existing?.id ?? (await createApiKey(db, { department, name: demoKeyName(department) })).id;
  }
  return ids;
}

export interface SeedProgress {
  batches: number;
  /** events stored in the raw log */
  events: number;
  /** events applied to the read model */
  applied: number;
  elapsedMs: number;
  /** time spent storing batches (the door) and applying them (the projector) */
  storeMs: number;
  applyMs: number;
}

/** The raw log is applied every this many stored events, so the read model follows the load. */
const APPLY_EVERY_EVENTS = 100_000;
export const SEED_CHUNK_SIZE = 20_000;

export interface SeedSummary extends SeedProgress {
  leads: number;
  seed: number;
  anchor: string;
  accepted: number;
  duplicates: number;
  rejected: number;
  byDepartment: Record<Department, number>;
}

export async function seedDemo(
  db: Db,
  options: DemoOptions = {},
  onProgress?: (progress: SeedProgress) => void,
): Promise<SeedSummary> {
  const resolved = resolveOptions(options);
  const keys = await ensureDemoKeys(db);
  // Into a read model nothing was applied to yet, the whole log is projected at the end in one
  // bulk pass; otherwise the projector applies the stored events in chunks as they come.
  const bulk = (await projectorState(db)).appliedEvents === 0;
  // The rollups are filled once when everything is applied, not kept chunk by chunk.
  if (!bulk) await setRollupMode(db, 'deferred');
  const started = performance.now();
  const summary: SeedSummary = {
    leads: resolved.leads,
    seed: resolved.seed,
    anchor: resolved.anchor.toISOString().slice(0, 10),
    batches: 0,
    events: 0,
    applied: 0,
    elapsedMs: 0,
    storeMs: 0,
    applyMs: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    byDepartment: { marketing: 0, sales: 0, operations: 0, service: 0 },
  };
  const apply = async () => {
    const applyStarted = performance.now();
    await retryWhileUnreachable(() => applyPending(db, {
      chunkSize: SEED_CHUNK_SIZE,
      onChunk: (chunk) => {
        summary.applied += chunk.events;
        summary.elapsedMs = performance.now() - started;
        onProgress?.(summary);
      },
    }), { what: 'apply the stored events' });
    summary.applyMs += performance.now() - applyStarted;
  };
  let sinceApply = 0;
  for (const batch of generateDemo(resolved)) {
    // A batch cut off by a database restart is sent again: its ids make the retry harmless.
    const storeStarted = performance.now();
    const result = await retryWhileUnreachable(
      () => ingestEvents(db, { apiKeyId: keys[batch.department], department: batch.department }, batch.events),
      { what: 'store a batch of the demo' },
    );
    summary.storeMs += performance.now() - storeStarted;
    sinceApply += batch.events.length;
    if (!bulk && sinceApply >= APPLY_EVERY_EVENTS) {
      await apply();
      sinceApply = 0;
    }
    summary.batches++;
    summary.events += batch.events.length;
    summary.accepted += result.accepted;
    summary.duplicates += result.duplicates;
    summary.rejected += result.rejected.length;
    summary.byDepartment[batch.department] += batch.events.length;
    summary.elapsedMs = performance.now() - started;
    onProgress?.(summary);
  }
  if (bulk) {
    const applyStarted = performance.now();
    // One transaction: a restart in the middle runs it again from the start.
    await retryWhileUnreachable(
      () => rebuildReadModel(db, {
        onProgress: ({ done }) => {
          summary.applied = done;
          summary.elapsedMs = performance.now() - started;
          onProgress?.(summary);
        },
      }),
      { what: 'project the stored events' },
    );
    summary.applyMs += performance.now() - applyStarted;
  } else {
    await apply();
    await setRollupMode(db, 'refill');
    await apply();
  }
  summary.elapsedMs = performance.now() - started;
  return summary;
}

/** True when nothing was ever ingested: the database is new. */
export async function isEventLogEmpty(db: Db): Promise<boolean> {
  const row = await one<{ empty: boolean }>(db, sql`select not exists (select 1 from events) as empty`);
  return row.empty;
}
