// Percentiles read off exact histograms (value -> count), with the same rule as Postgres'
// percentile_cont (linear interpolation between the closest ranks), so a median from a rollup
// equals the one computed over the rows themselves.

/** Histogram entries, ascending by value. */
export type Histogram = readonly (readonly [value: number, count: number])[];

/** The 0-based ranks a p-quantile of n values interpolates between, and how far. */
export function quantileRanks(n: number, p: number): { lower: number; upper: number; fraction: number } {
  const position = p * (n - 1);
  const lower = Math.floor(position);
  return { lower, upper: Math.ceil(position), fraction: position - lower };
}

/** The value at a 0-based rank, given the count of values below the histogram's first entry. */
export function valueAtRank(histogram: Histogram, rank: number, before = 0): number | null {
  let seen = before;
  for (const [value, count] of histogram) {
    seen += count;
    if (rank < seen) return value;
  }
  return null;
}

/** percentile_cont over the values, each divided by `unit` first (e.g. minutes to days). */
export function interpolate(low: number, high: number, fraction: number, unit = 1): number {
  const a = low / unit;
  const b = high / unit;
  return a + fraction * (b - a);
}

export function histogramPercentile(histogram: Histogram, p: number, unit = 1): number | null {
  const n = histogram.reduce((sum, [, count]) => sum + count, 0);
  if (n === 0) return null;
  const { lower, upper, fraction } = quantileRanks(n, p);
  return interpolate(valueAtRank(histogram, lower)!, valueAtRank(histogram, upper)!, fraction, unit);
}

// Coarse slots of a duration in whole minutes: a day each below 60 days, then a week each.
const DAY = 1440;
const SLOT_DAYS = 60;
const WEEK = 7 * DAY;

export function slotOf(minutes: number): number {
  return minutes < SLOT_DAYS * DAY ? Math.floor(minutes / DAY) : SLOT_DAYS + Math.floor((minutes - SLOT_DAYS * DAY) / WEEK);
}

/** The minutes [low, high] of a slot. */
export function slotWindow(slot: number): [number, number] {
  if (slot < SLOT_DAYS) return [slot * DAY, slot * DAY + DAY - 1];
  const low = SLOT_DAYS * DAY + (slot - SLOT_DAYS) * WEEK;
  return [low, low + WEEK - 1];
}
