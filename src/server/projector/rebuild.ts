// Replays the raw log into an empty read model through the projector's own chunks, in one
// transaction that holds the projector lock: readers see the old read model until it commits.
import { sql } from 'drizzle-orm';
import type { Db } from '~/server/db/client';
import { oneConnectionPerWorker } from '~/server/db/distribution';
import { applyNextChunk, logHorizon, PROJECTOR_LOCK, type ChunkResult } from './projector';
import { refillRollups, rollupTables, setRollupMode } from './rollups';

export const projectedTables = [
  'touches',
  'campaign_spend',
  'account_events',
  'identity_links',
  'leads',
  'accounts',
  'campaigns',
  'opportunities',
  'onboardings',
  'capacity',
  'tickets',
  'attribution_credits',
  ...rollupTables,
] as const;

export const REBUILD_CHUNK_SIZE = 20_000;

export async function rebuildReadModel(
  db: Db,
  options: { chunkSize?: number; onChunk?: (chunk: ChunkResult, total: number) => void } = {},
): Promise<{ events: number; refillMs: number }> {
  const chunkSize = options.chunkSize ?? REBUILD_CHUNK_SIZE;
  return db.transaction(async (tx) => {
    await oneConnectionPerWorker(tx);
    await tx.execute(sql`select pg_advisory_xact_lock(${PROJECTOR_LOCK})`);
    // Batches still being written are applied afterwards by the projector, from the position
    // this rebuild leaves.
    const horizon = await logHorizon(tx);
    await tx.execute(sql.raw(`truncate ${projectedTables.join(', ')}`));
    await tx.execute(sql`
      update projector_state set cursor_tx = 0, cursor_id = 0, applied_below = 0, applied_events = 0,
        newest_received_at = null, updated_at = now()
      where name = 'main'`);
    // The rollups are filled once at the end, not kept chunk by chunk.
    await setRollupMode(tx, 'deferred');
    let total = 0;
    for (;;) {
      const chunk = await applyNextChunk(tx, Number(horizon), chunkSize);
      total += chunk.events;
      options.onChunk?.(chunk, total);
      if (chunk.drained) {
        const refillStarted = performance.now();
        await refillRollups(tx);
        return { events: total, refillMs: performance.now() - refillStarted };
      }
    }
  });
}
