// The pure half of alerting: what state a rule's subject is in given what was measured, and
// whether moving from the stored state to that one is a state change worth a message. A message
// goes out once per change: entering an alerting state, or leaving one (resolved). While a state
// holds nothing is sent again.
import type { KpiStatus } from '~/server/metrics/runRate';

export interface Observation {
  /** what the state is about: a target id, an item id, a source, an API key, or 'all' */
  subject: string;
  state: string;
  /** whether this state is one the rule alerts on */
  alerting: boolean;
  detail: Record<string, unknown>;
}

export interface StoredState {
  state: string;
  alerting: boolean;
  version: number;
}

export interface Transition {
  /** store the observation (a new state, or the first one) */
  write: boolean;
  /** the version the stored state gets; part of the message's idempotency key */
  version: number;
  /** send a message about it */
  fire: boolean;
}

export function transition(prior: StoredState | undefined, observed: Pick<Observation, 'state' | 'alerting'>): Transition {
  if (!prior) return { write: true, version: 1, fire: observed.alerting };
  if (prior.state === observed.state) return { write: false, version: prior.version, fire: false };
  return { write: true, version: prior.version + 1, fire: observed.alerting || prior.alerting };
}

/** A KPI target: its status, alerting when it is one of those the rule names. */
export function kpiState(status: KpiStatus, notifyOn: readonly string[]): Pick<Observation, 'state' | 'alerting'> {
  return { state: status, alerting: notifyOn.includes(status) };
}

/** A handoff's open items past SLA against a count threshold: over when the count passes it. */
export function countState(pastSla: number, threshold: number): Pick<Observation, 'state' | 'alerting'> {
  return pastSla > threshold ? { state: 'over', alerting: true } : { state: 'within', alerting: false };
}

/**
 * A share that must stay at or above `min` (lead quality). Hysteresis: once below, it stays below
 * until it reaches `min + margin`, so a share wobbling around the line does not flap. Fewer than
 * `minCount` leads in the window decide nothing: the prior state holds (none yet: 'ok').
 */
export function shareBelowState(
  share: number | null,
  count: number,
  params: { min: number; margin: number; minCount: number },
  prior: string | undefined,
): Pick<Observation, 'state' | 'alerting'> {
  const wasBelow = prior === 'below';
  if (share === null || count < params.minCount) return wasBelow ? { state: 'below', alerting: true } : { state: 'ok', alerting: false };
  const below = wasBelow ? share < params.min + params.margin : share < params.min;
  return below ? { state: 'below', alerting: true } : { state: 'ok', alerting: false };
}

/** An API key silent for at least `hours` (never heard from counts from its creation). */
export function silentState(lastSeen: Date, now: Date, hours: number): Pick<Observation, 'state' | 'alerting'> {
  const silentHours = (now.getTime() - lastSeen.getTime()) / 3_600_000;
  return silentHours >= hours ? { state: 'silent', alerting: true } : { state: 'heard', alerting: false };
}

/** Rejected share of what a key sent in the window, over `maxShare` once at least `minEvents` came. */
export function rejectionState(
  accepted: number,
  rejected: number,
  params: { maxShare: number; minEvents: number },
): Pick<Observation, 'state' | 'alerting'> {
  const total = accepted + rejected;
  if (total < params.minEvents) return { state: 'ok', alerting: false };
  return rejected / total > params.maxShare ? { state: 'rejecting', alerting: true } : { state: 'ok', alerting: false };
}

/** Milliseconds before attempt `attempts + 1`: base doubled per failed attempt, capped. */
export function backoffMs(attempts: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempts - 1));
}
