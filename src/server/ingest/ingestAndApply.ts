// The door and the projector back to back, for callers that read the read model right after
// (fixtures, tests, the seed): the batch is committed, then everything pending is applied.
import type { Db } from '~/server/db/client';
import { applyPending } from '~/server/projector/projector';
import { ingestEvents, type IngestOptions, type IngestResult, type Sender } from './ingest';

export async function ingestAndApply(db: Db, sender: Sender, batch: unknown[], options: IngestOptions = {}): Promise<IngestResult> {
  const result = await ingestEvents(db, sender, batch, options);
  await applyPending(db);
  return result;
}
