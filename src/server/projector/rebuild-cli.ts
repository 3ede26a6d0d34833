// npm run rebuild: replays the raw event log into an empty read model, in one bulk pass.
// The rebuild is one transaction: cut off by a database restart, it is run again from the start.
import { checkEnv } from '~/env';
import { progressWriter } from '~/lib/progress';
import { openDb } from '~/server/db/client';
import { retryWhileUnreachable, runCli } from '~/server/db/retry';
import { rebuildReadModel } from './rebuild';

await runCli(async () => {
  const handle = await retryWhileUnreachable(() => openDb({ url: checkEnv().DATABASE_URL }), { what: 'open the database' });
  try {
    const started = performance.now();
    const progress = progressWriter();
    const { events } = await retryWhileUnreachable(
      () => rebuildReadModel(handle.db, { onProgress: ({ done, total }) => progress.update({ done, total, unit: 'events' }) }),
      { what: 'rebuild the read model' },
    );
    progress.done(`rebuilt the read model from ${events.toLocaleString('en-US')} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await handle.close();
  }
});
