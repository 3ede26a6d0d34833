// The alert loop inside the app server, one per process (ALERTS=off turns it off). It listens to
// the projector of its own process; with PROJECTOR=external the timer alone drives evaluation.
import { getDb } from '~/server/db/client';
import { runAlerts, type RunningAlerts } from './runner';

declare global {
  var __revenueFunnelAlerts: RunningAlerts | undefined;
}

export function startAlertsInProcess(): void {
  if (process.env.ALERTS === 'off' || globalThis.__revenueFunnelAlerts) return;
  const everyMs = Number(process.env.ALERTS_EVALUATE_MS ?? 60_000);
  globalThis.__revenueFunnelAlerts = runAlerts(getDb, { evaluateEveryMs: Number.isFinite(everyMs) && everyMs >= 1000 ? everyMs : 60_000 });
}
