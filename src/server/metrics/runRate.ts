// KPI periods and the linear run-rate: where a metric will end its month or quarter if it keeps
// its pace, and whether that meets the target. Pure; every function takes the time it judges at.

export const periodKinds = ['month', 'quarter'] as const;
export type PeriodKind = (typeof periodKinds)[number];

export interface Period {
  kind: PeriodKind;
  /** first instant, UTC midnight of the first day */
  start: Date;
  /** first instant after the period */
  end: Date;
}

/** How a metric behaves over time: sums grow through the period, ratios do not. */
export type MetricShape = 'additive' | 'ratio';

export const kpiStatuses = ['on_track', 'at_risk', 'off_track', 'not_started', 'no_data'] as const;
export type KpiStatus = (typeof kpiStatuses)[number];

/** A projection at or above this share of the target (but below it) is at risk, not off track. */
export const AT_RISK_SHARE = 0.9;

const monthsIn: Record<PeriodKind, number> = { month: 1, quarter: 3 };

/** True when `day` (YYYY-MM-DD) is the first day of a month, or of a quarter for quarters. */
export function isPeriodStart(kind: PeriodKind, day: string): boolean {
  const match = /^(\d{4})-(\d{2})-01$/.exec(day);
  if (!match) return false;
  const month = Number(match[2]);
  if (month < 1 || month > 12) return false;
  return kind === 'month' || (month - 1) % 3 === 0;
}

/** The period of a kind that starts on `day` (YYYY-MM-DD, a first day: see isPeriodStart). */
export function periodOf(kind: PeriodKind, day: string): Period {
  if (!isPeriodStart(kind, day)) throw new RangeError(`${day} does not start a ${kind}`);
  const start = new Date(`${day}T00:00:00Z`);
  const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + monthsIn[kind], 1));
  return { kind, start, end };
}

/** The period of a kind that contains the instant `at`. */
export function periodContaining(kind: PeriodKind, at: Date): Period {
  const month = at.getUTCMonth();
  const first = kind === 'month' ? month : month - (month % 3);
  return periodOf(kind, new Date(Date.UTC(at.getUTCFullYear(), first, 1)).toISOString().slice(0, 10));
}

/** The share of the period elapsed at `asOf`, from 0 (not begun) to 1 (over). */
export function elapsedFraction(period: Period, asOf: Date): number {
  const total = period.end.getTime() - period.start.getTime();
  const done = asOf.getTime() - period.start.getTime();
  return Math.min(1, Math.max(0, done / total));
}

/**
 * The value at period end if the pace so far holds: actual / elapsed fraction for sums; a ratio
 * is its own projection. Null before the period begins, or when there is no actual.
 */
export function projectRunRate(actual: number | null, fraction: number, shape: MetricShape): number | null {
  if (actual === null || fraction <= 0) return null;
  return shape === 'ratio' ? actual : actual / fraction;
}

/** on track: projection >= target; at risk: >= 90% of it; off track otherwise. */
export function quantityStatus(projection: number | null, target: number, fraction: number): KpiStatus {
  if (fraction <= 0) return 'not_started';
  if (projection === null) return 'no_data';
  if (projection >= target) return 'on_track';
  if (projection >= AT_RISK_SHARE * target) return 'at_risk';
  return 'off_track';
}

/** Whether the quality standard holds: null when the target sets none or there is nothing to judge. */
export function qualityMet(actual: number | null, minimum: number | null): boolean | null {
  if (minimum === null || actual === null) return null;
  return actual >= minimum;
}

/** The quantity status, one step worse when the quality standard is missed. */
export function overallStatus(quantity: KpiStatus, quality: boolean | null): KpiStatus {
  if (quality !== false) return quantity;
  if (quantity === 'on_track') return 'at_risk';
  if (quantity === 'at_risk') return 'off_track';
  return quantity;
}
