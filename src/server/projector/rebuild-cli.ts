// npm run rebuild: replays the raw event log into an empty read model, in the projector's chunks.
import { progressWriter } from '~/lib/progress';
import { one, openDb, sql } from '~/server/db/client';
import { rebuildReadModel } from './rebuild';

const handle = await openDb({ url: process.env.DATABASE_URL || undefined });
try {
  const started = performance.now();
  const { total } = await one<{ total: number }>(handle.db, sql`select count(*)::int as total from events`);
  const progress = progressWriter();
  const { events } = await rebuildReadModel(handle.db, {
    onChunk: (_chunk, done) => progress.update({ done, total, unit: 'events' }),
  });
  progress.done(`rebuilt the read model from ${events.toLocaleString('en-US')} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} finally {
  await handle.close();
}
