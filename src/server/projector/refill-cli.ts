// npm run rollups:refill: fills every rollup again from the read model, whole, in one transaction
// that holds the projector lock (readers see the old rollups until it commits). For a database
// whose rollups were left deferred (a bulk load cut off) or that predates them.
import { openDb, sql } from '~/server/db/client';
import { oneConnectionPerWorker } from '~/server/db/distribution';
import { retryWhileUnreachable, runCli } from '~/server/db/retry';
import { PROJECTOR_LOCK } from './projector';
import { refillRollups } from './rollups';

await runCli(async () => {
  const handle = await retryWhileUnreachable(() => openDb({ url: process.env.DATABASE_URL || undefined }), { what: 'open the database' });
  try {
    const started = performance.now();
    await retryWhileUnreachable(
      () =>
        handle.db.transaction(async (tx) => {
          await oneConnectionPerWorker(tx);
          await tx.execute(sql`select pg_advisory_xact_lock(${PROJECTOR_LOCK})`);
          await refillRollups(tx);
        }),
      { what: 'fill the rollups' },
    );
    console.log(`filled the rollups in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await handle.close();
  }
});
