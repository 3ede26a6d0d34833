// Numbers for humans: money from cents, shares, days and counts, in one place so every page, table,
// chart and CSV file writes them the same way. A missing value reads "n/a"; a masked one "masked".
import { isMasked, type MaybeMasked } from './masked';

/** How a value is shown. 'ratio' is a plain multiplier (ROI 1.25 -> "125%"), shown like a percent. */
export type FormatKind = 'cents' | 'percent' | 'days' | 'count' | 'text' | 'month' | 'date';

/** A value that can sit in a table cell or a chart point. */
export type CellValue = MaybeMasked<string | number | null>;

export const NOT_AVAILABLE = 'n/a';
export const MASKED_TEXT = 'masked';

const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const percentFormat = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 0, maximumFractionDigits: 1 });
const daysFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 1 });
const monthFormat = new Intl.DateTimeFormat('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });
const dateFormat = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' });

/** Whole currency units below 10,000 show cents; above, whole units (a dashboard reads totals). */
export function formatCents(cents: number, currency = 'USD'): string {
  const units = cents / 100;
  const digits = Math.abs(units) >= 10_000 ? 0 : 2;
  return new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(units);
}

/** 0.1234 -> "12.3%". */
export function formatPercent(fraction: number): string {
  return percentFormat.format(fraction);
}

/** 1 -> "1 day", 2.25 -> "2.3 days". */
export function formatDays(days: number): string {
  const text = daysFormat.format(days);
  return `${text} ${text === '1' ? 'day' : 'days'}`;
}

export function formatCount(count: number): string {
  return countFormat.format(count);
}

/** "2026-03" -> "Mar 2026". */
export function formatMonth(month: string): string {
  const parsed = /^(\d{4})-(\d{2})$/.exec(month);
  if (!parsed) return month;
  return monthFormat.format(new Date(Date.UTC(Number(parsed[1]), Number(parsed[2]) - 1, 1)));
}

/** An ISO instant -> "2026-03-05" (UTC). */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

/** Any cell value as text: null -> "n/a", masked -> "masked". */
export function formatValue(kind: FormatKind, value: CellValue | undefined): string {
  if (isMasked(value)) return MASKED_TEXT;
  if (value === null || value === undefined) return NOT_AVAILABLE;
  if (typeof value === 'string') {
    if (kind === 'month') return formatMonth(value);
    if (kind === 'date') return formatDate(value);
    return value;
  }
  if (!Number.isFinite(value)) return NOT_AVAILABLE;
  switch (kind) {
    case 'cents':
      return formatCents(value);
    case 'percent':
      return formatPercent(value);
    case 'days':
      return formatDays(value);
    case 'count':
      return formatCount(value);
    default:
      return String(value);
  }
}

/**
 * A cell value for a CSV file: machine-readable (no grouping, cents as units with 2 decimals,
 * shares as fractions), null as an empty field, masked as "masked".
 */
export function csvValue(kind: FormatKind, value: CellValue | undefined): string {
  if (isMasked(value)) return MASKED_TEXT;
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return '';
  return kind === 'cents' ? (value / 100).toFixed(2) : String(value);
}
