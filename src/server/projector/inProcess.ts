// The projector inside the app server (the default; PGlite has one process). One per process;
// across processes the advisory lock lets one apply at a time.
import { env } from '~/env';
import { getDb } from '~/server/db/client';
import { runProjector, type RunningProjector } from './projector';

declare global {
  var __revenueFunnelProjector: RunningProjector | undefined;
}

export function projectorMode(): 'in-process' | 'external' {
  return env().PROJECTOR;
}

export function startProjectorInProcess(): void {
  if (projectorMode() === 'external' || globalThis.__revenueFunnelProjector) return;
  globalThis.__revenueFunnelProjector = runProjector(getDb);
}
