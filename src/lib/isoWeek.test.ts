import { describe, expect, it } from 'vitest';
import { addWeeks, isValidIsoWeek, isoWeekOf, isoWeekStart, weeksInYear } from './isoWeek';

describe('ISO weeks', () => {
  it('knows which years have 53 weeks', () => {
    expect(weeksInYear(2020)).toBe(53);
    expect(weeksInYear(2026)).toBe(53);
    expect(weeksInYear(2025)).toBe(52);
  });

  it('validates week strings', () => {
    expect(isValidIsoWeek('2026-W07')).toBe(true);
    expect(isValidIsoWeek('2026-W53')).toBe(true);
    expect(isValidIsoWeek('2025-W53')).toBe(false);
    expect(isValidIsoWeek('2026-W00')).toBe(false);
    expect(isValidIsoWeek('2026-7')).toBe(false);
  });

  it('finds the Monday a week starts on', () => {
    expect(isoWeekStart('2026-W01').toISOString()).toBe('2025-12-29T00:00:00.000Z');
    expect(isoWeekStart('2021-W01').toISOString()).toBe('2021-01-04T00:00:00.000Z');
  });

  it('finds the week of a moment, across year ends', () => {
    expect(isoWeekOf(new Date('2021-01-03T23:59:59Z'))).toBe('2020-W53');
    expect(isoWeekOf(new Date('2025-12-29T00:00:00Z'))).toBe('2026-W01');
    expect(isoWeekOf(new Date('2026-11-22T12:00:00Z'))).toBe('2026-W47');
    expect(addWeeks('2026-W52', 2)).toBe('2027-W01');
  });
});
