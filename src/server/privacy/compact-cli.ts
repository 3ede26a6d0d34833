// npm run compact: compacts the raw events older than the retention setting's age now (the app
// server also does it every hour). Off in the setting: says so and changes nothing.
import { openDb } from '~/server/db/client';
import { retryWhileUnreachable, runCli } from '~/server/db/retry';
import { compactRawEvents } from './retention';

await runCli(async () => {
  const handle = await retryWhileUnreachable(() => openDb({ url: process.env.DATABASE_URL || undefined }), { what: 'open the database' });
  try {
    const result = await retryWhileUnreachable(() => compactRawEvents(handle.db), { what: 'compact the raw events' });
    if (!result.enabled) console.log('Retention is off (Admin > Privacy): nothing compacted.');
    else
      console.log(
        `Compacted ${result.compacted.toLocaleString('en-US')} raw events older than ${result.cutoff} (${result.touchUrls.toLocaleString('en-US')} touch URLs cleared), deleted ${result.rejectedDeleted.toLocaleString('en-US')} rejected events.`,
      );
  } finally {
    await handle.close();
  }
});
