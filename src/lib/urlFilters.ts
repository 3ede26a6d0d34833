// The dashboard filters as URL search params, so a link shows the same view and a reload keeps it.
// Pure: parse params into a state, write a state back, and turn it into a metric input for a given
// "now" (date presets are resolved at request time, in UTC, as half-open [from, to) day ranges).

export const rangePresets = ['last30', 'last90', 'thisMonth', 'lastMonth', 'thisQuarter', 'lastQuarter', 'last12Months', 'custom'] as const;
export type RangePreset = (typeof rangePresets)[number];

export const rangePresetLabels: Record<RangePreset, string> = {
  last30: 'Last 30 days',
  last90: 'Last 90 days',
  thisMonth: 'This month',
  lastMonth: 'Last month',
  thisQuarter: 'This quarter',
  lastQuarter: 'Last quarter',
  last12Months: 'Last 12 months',
  custom: 'Custom range',
};

export const defaultPreset: RangePreset = 'last12Months';

export const filterKeys = ['source', 'campaign', 'segment', 'dealType'] as const;
export type FilterKey = (typeof filterKeys)[number];

/** Every search param the filter bar owns; pages may add their own (e.g. cohortBy). */
export const filterParamNames = ['range', 'from', 'to', ...filterKeys] as const;

export interface FilterState extends Partial<Record<FilterKey, string>> {
  preset: RangePreset;
  /** custom range only: first day included, YYYY-MM-DD */
  from?: string;
  /** custom range only: last day included, YYYY-MM-DD */
  to?: string;
}

/** What Next hands a page as `searchParams`, or the browser's URLSearchParams. */
export type SearchParamsLike = URLSearchParams | Readonly<Record<string, string | string[] | undefined>>;

export function readParam(params: SearchParamsLike, name: string): string | undefined {
  const raw = params instanceof URLSearchParams ? (params.get(name) ?? undefined) : params[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

const DAY_MS = 86_400_000;

/** A real calendar day as YYYY-MM-DD, or undefined. */
export function parseDay(value: string | undefined): string | undefined {
  if (value === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value ? value : undefined;
}

function isPreset(value: string | undefined): value is RangePreset {
  return value !== undefined && (rangePresets as readonly string[]).includes(value);
}

/** Unknown presets and a custom range without two valid, ordered days fall back to the default. */
export function parseFilters(params: SearchParamsLike): FilterState {
  const state: FilterState = { preset: defaultPreset };
  const preset = readParam(params, 'range');
  if (preset === 'custom') {
    const from = parseDay(readParam(params, 'from'));
    const to = parseDay(readParam(params, 'to'));
    if (from !== undefined && to !== undefined && from <= to) Object.assign(state, { preset: 'custom', from, to });
  } else if (isPreset(preset)) {
    state.preset = preset;
  }
  for (const key of filterKeys) {
    const value = readParam(params, key);
    if (value !== undefined) state[key] = value.slice(0, 200);
  }
  return state;
}

/** The params of a state, defaults left out, in a fixed order (so equal views have equal URLs). */
export function writeFilters(state: FilterState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.preset === 'custom' && state.from && state.to) {
    params.set('range', 'custom');
    params.set('from', state.from);
    params.set('to', state.to);
  } else if (state.preset !== defaultPreset && state.preset !== 'custom') {
    params.set('range', state.preset);
  }
  for (const key of filterKeys) {
    const value = state[key]?.trim();
    if (value) params.set(key, value);
  }
  return params;
}

/** `current` with the filter bar's params replaced by those of `state`; other params kept. */
export function withFilters(current: URLSearchParams, state: FilterState): URLSearchParams {
  const next = new URLSearchParams();
  for (const [name, value] of current) if (!(filterParamNames as readonly string[]).includes(name)) next.append(name, value);
  for (const [name, value] of writeFilters(state)) next.set(name, value);
  return next;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function utcDate(year: number, month: number, dayOfMonth = 1): Date {
  return new Date(Date.UTC(year, month, dayOfMonth));
}

/** [from, to) as YYYY-MM-DD days (UTC). Rolling presets end with today; calendar presets are whole periods. */
export function resolveRange(state: FilterState, now: Date): { from: string; to: string } {
  const today = utcDate(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const tomorrow = new Date(today.getTime() + DAY_MS);
  const year = today.getUTCFullYear();
  const month = today.getUTCMonth();
  const quarterStart = month - (month % 3);
  switch (state.preset) {
    case 'last30':
      return { from: day(new Date(tomorrow.getTime() - 30 * DAY_MS)), to: day(tomorrow) };
    case 'last90':
      return { from: day(new Date(tomorrow.getTime() - 90 * DAY_MS)), to: day(tomorrow) };
    case 'thisMonth':
      return { from: day(utcDate(year, month)), to: day(utcDate(year, month + 1)) };
    case 'lastMonth':
      return { from: day(utcDate(year, month - 1)), to: day(utcDate(year, month)) };
    case 'thisQuarter':
      return { from: day(utcDate(year, quarterStart)), to: day(utcDate(year, quarterStart + 3)) };
    case 'lastQuarter':
      return { from: day(utcDate(year, quarterStart - 3)), to: day(utcDate(year, quarterStart)) };
    case 'last12Months':
      // twelve whole months, the current one last, so a monthly trend has twelve full bars
      return { from: day(utcDate(year, month - 11)), to: day(utcDate(year, month + 1)) };
    case 'custom': {
      const from = parseDay(state.from);
      const to = parseDay(state.to);
      if (from === undefined || to === undefined || from > to) return resolveRange({ ...state, preset: defaultPreset }, now);
      return { from, to: day(new Date(new Date(`${to}T00:00:00Z`).getTime() + DAY_MS)) };
    }
  }
}

export interface MetricInputFromUrl {
  range: { from: string; to: string };
  filters: Partial<Record<FilterKey, string>>;
}

/** The `metricInput` of every metric procedure, for this state at `now`. */
export function toMetricInput(state: FilterState, now: Date): MetricInputFromUrl {
  const filters: MetricInputFromUrl['filters'] = {};
  for (const key of filterKeys) if (state[key]) filters[key] = state[key];
  return { range: resolveRange(state, now), filters };
}

/** "2026-01-01".."2026-02-01" -> "2026-01-01 to 2026-01-31" (the last day included). */
export function describeRange(range: { from: string; to: string }): string {
  const last = day(new Date(new Date(`${range.to}T00:00:00Z`).getTime() - DAY_MS));
  return `${range.from} to ${last}`;
}

export const cohortBases = ['inquiry', 'awareness'] as const;
export type CohortBasis = (typeof cohortBases)[number];

/** The funnel's cohort basis (`cohortBy` param): inquiry unless awareness is asked for. */
export function parseCohortBy(params: SearchParamsLike): CohortBasis {
  return readParam(params, 'cohortBy') === 'awareness' ? 'awareness' : 'inquiry';
}
