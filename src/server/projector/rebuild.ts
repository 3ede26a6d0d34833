// Replays the raw log into an empty read model with the bulk projection, in one transaction that
// holds the projector lock.
import { sql } from 'drizzle-orm';
import type { Db } from '~/server/db/client';
import { oneConnectionPerWorker } from '~/server/db/distribution';
import { projectLogInBulk, type BulkProgress, type BulkResult } from './bulk';
import { logHorizon, PROJECTOR_LOCK } from './projector';
import { rollupTables } from './rollups';

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

/**
 * Empties the read model and applies the whole log again in one pass (the bulk projection), in
 * one transaction that holds the projector lock: a rebuild cut off leaves the old read model.
 */
export async function rebuildReadModel(db: Db, options: { onProgress?: (progress: BulkProgress) => void } = {}): Promise<BulkResult> {
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
    return projectLogInBulk(tx, horizon, options.onProgress);
  });
}
