// npm run rebuild: replays the raw event log into an empty read model.
import { openDb } from '~/server/db/client';
import { rebuildReadModel } from './rebuild';

const handle = await openDb({ url: process.env.DATABASE_URL || undefined });
try {
  const started = performance.now();
  const { events } = await rebuildReadModel(handle.db);
  console.log(`rebuilt the read model from ${events} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} finally {
  await handle.close();
}
