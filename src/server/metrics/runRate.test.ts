import { describe, expect, it } from 'vitest';
import {
  elapsedFraction,
  isPeriodStart,
  overallStatus,
  periodContaining,
  periodOf,
  projectRunRate,
  qualityMet,
  quantityStatus,
} from './runRate';

describe('periods', () => {
  it('knows which days start a month or a quarter', () => {
    expect(isPeriodStart('month', '2026-02-01')).toBe(true);
    expect(isPeriodStart('quarter', '2026-02-01')).toBe(false);
    expect(isPeriodStart('quarter', '2026-04-01')).toBe(true);
    expect(isPeriodStart('month', '2026-02-02')).toBe(false);
    expect(isPeriodStart('month', '2026-13-01')).toBe(false);
  });

  it('gives half-open UTC bounds', () => {
    const q = periodOf('quarter', '2025-10-01');
    expect(q.start.toISOString()).toBe('2025-10-01T00:00:00.000Z');
    expect(q.end.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    const m = periodOf('month', '2024-02-01');
    expect(m.end.toISOString()).toBe('2024-03-01T00:00:00.000Z');
    expect(() => periodOf('quarter', '2025-11-01')).toThrow(RangeError);
  });

  it('finds the period containing an instant', () => {
    expect(periodContaining('quarter', new Date('2026-05-31T23:59:59Z')).start.toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(periodContaining('month', new Date('2026-05-31T23:59:59Z')).start.toISOString()).toBe('2026-05-01T00:00:00.000Z');
  });
});

describe('run-rate', () => {
  // April 2026 has 30 days: 10 days elapsed is a third.
  const april = periodOf('month', '2026-04-01');

  it('measures the elapsed share, clamped to the period', () => {
    expect(elapsedFraction(april, new Date('2026-04-11T00:00:00Z'))).toBeCloseTo(1 / 3, 12);
    expect(elapsedFraction(april, new Date('2026-03-20T00:00:00Z'))).toBe(0);
    expect(elapsedFraction(april, new Date('2026-06-01T00:00:00Z'))).toBe(1);
  });

  it('projects sums linearly and keeps ratios as they are', () => {
    expect(projectRunRate(12, 1 / 3, 'additive')).toBeCloseTo(36, 9);
    expect(projectRunRate(0.25, 1 / 3, 'ratio')).toBe(0.25);
    expect(projectRunRate(12, 0, 'additive')).toBeNull();
    expect(projectRunRate(null, 0.5, 'ratio')).toBeNull();
  });

  it('judges the projection against the target', () => {
    expect(quantityStatus(36, 36, 1 / 3)).toBe('on_track');
    expect(quantityStatus(32.4, 36, 1 / 3)).toBe('at_risk'); // exactly 90%
    expect(quantityStatus(32.3, 36, 1 / 3)).toBe('off_track');
    expect(quantityStatus(null, 36, 0)).toBe('not_started');
    expect(quantityStatus(null, 0.3, 0.5)).toBe('no_data');
  });

  it('lets a missed quality standard take the status one step down', () => {
    expect(qualityMet(0.29, 0.3)).toBe(false);
    expect(qualityMet(0.3, 0.3)).toBe(true);
    expect(qualityMet(null, 0.3)).toBeNull();
    expect(qualityMet(0.1, null)).toBeNull();
    expect(overallStatus('on_track', false)).toBe('at_risk');
    expect(overallStatus('at_risk', false)).toBe('off_track');
    expect(overallStatus('off_track', false)).toBe('off_track');
    expect(overallStatus('on_track', null)).toBe('on_track');
    expect(overallStatus('at_risk', true)).toBe('at_risk');
  });
});
