// The alert loop inside the app server, one per process (ALERTS=off turns it off). It listens to
// the projector of its own process; with PROJECTOR=external the timer alone drives evaluation.
import { env } from '~/env';
import { getDb } from '~/server/db/client';
import { runAlerts, type RunningAlerts } from './runner';

declare global {
  var __revenueFunnelAlerts: RunningAlerts | undefined;
}

export function startAlertsInProcess(): void {
  const { ALERTS, ALERTS_EVALUATE_MS } = env();
  if (ALERTS === 'off' || globalThis.__revenueFunnelAlerts) return;
  globalThis.__revenueFunnelAlerts = runAlerts(getDb, { evaluateEveryMs: ALERTS_EVALUATE_MS });
}
