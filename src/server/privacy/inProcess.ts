// Retention inside the app server: compacts old raw events an hour after start and every hour
// after (a no-op while the setting is off). One loop per process; the projector lock it takes per
// window keeps two servers from stepping on each other, and a second run finds nothing left.
import { getDb } from '~/server/db/client';
import { compactRawEvents } from './retention';

const EVERY_MS = 60 * 60 * 1000;

declare global {
  var __revenueFunnelRetention: ReturnType<typeof setInterval> | undefined;
}

export function startRetentionInProcess(): void {
  if (globalThis.__revenueFunnelRetention) return;
  const timer = setInterval(() => {
    void getDb()
      .then((db) => compactRawEvents(db))
      .then((result) => {
        if (result.compacted + result.rejectedDeleted > 0) console.log(`retention: compacted ${result.compacted} raw events, deleted ${result.rejectedDeleted} rejected events older than ${result.cutoff}`);
      })
      .catch((error: unknown) => console.error('retention: compaction failed, will try again in an hour', error));
  }, EVERY_MS);
  timer.unref();
  globalThis.__revenueFunnelRetention = timer;
}
