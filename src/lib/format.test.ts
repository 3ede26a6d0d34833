import { describe, expect, it } from 'vitest';
import { csvValue, formatCents, formatDays, formatMonth, formatPercent, formatValue } from './format';
import { masked } from './masked';

describe('formatValue', () => {
  it('writes money from cents, with cents below 10,000 units and whole units above', () => {
    expect(formatCents(123456)).toBe('$1,234.56');
    expect(formatCents(0)).toBe('$0.00');
    expect(formatCents(1_234_567_89)).toBe('$1,234,568');
    expect(formatCents(-5000)).toBe('-$50.00');
    expect(formatValue('cents', 990)).toBe('$9.90');
  });

  it('writes shares as percentages with at most one decimal', () => {
    expect(formatPercent(0.1234)).toBe('12.3%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatValue('percent', 0.5)).toBe('50%');
    expect(formatValue('percent', -0.25)).toBe('-25%');
  });

  it('writes days with a unit', () => {
    expect(formatDays(1)).toBe('1 day');
    expect(formatDays(2.25)).toBe('2.3 days');
    expect(formatValue('days', 0)).toBe('0 days');
  });

  it('writes counts with grouping', () => {
    expect(formatValue('count', 1234567)).toBe('1,234,567');
  });

  it('writes null, undefined and non-finite numbers as n/a, never 0', () => {
    expect(formatValue('cents', null)).toBe('n/a');
    expect(formatValue('percent', undefined)).toBe('n/a');
    expect(formatValue('count', Number.POSITIVE_INFINITY)).toBe('n/a');
  });

  it('writes a masked value as masked whatever its kind', () => {
    expect(formatValue('cents', masked)).toBe('masked');
    expect(formatValue('text', masked)).toBe('masked');
  });

  it('writes months and dates', () => {
    expect(formatMonth('2026-03')).toBe('Mar 2026');
    expect(formatValue('month', '2025-12')).toBe('Dec 2025');
    expect(formatValue('date', '2026-03-05T23:30:00.000Z')).toBe('2026-03-05');
    expect(formatValue('text', 'paid_search')).toBe('paid_search');
  });
});

describe('csvValue', () => {
  it('writes machine-readable values: cents as units, shares as fractions, null empty, masked as masked', () => {
    expect(csvValue('cents', 123456)).toBe('1234.56');
    expect(csvValue('percent', 0.125)).toBe('0.125');
    expect(csvValue('count', 1234567)).toBe('1234567');
    expect(csvValue('days', null)).toBe('');
    expect(csvValue('cents', masked)).toBe('masked');
  });
});
