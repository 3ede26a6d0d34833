import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { median, percentile, ratio } from './stats';

describe('percentile', () => {
  it('is null for no values', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(median([])).toBeNull();
  });

  it('is the value itself for one value', () => {
    expect(percentile([7], 0)).toBe(7);
    expect(percentile([7], 0.75)).toBe(7);
  });

  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('interpolates linearly between closest ranks', () => {
    // sorted 1 2 3 4: position 0.75 * 3 = 2.25 -> 3 + 0.25 * (4 - 3)
    expect(percentile([4, 3, 2, 1], 0.75)).toBe(3.25);
    // sorted 0 10: position 0.75 -> 7.5
    expect(percentile([10, 0], 0.75)).toBe(7.5);
    expect(percentile([1, 2, 3, 4], 0)).toBe(1);
    expect(percentile([1, 2, 3, 4], 1)).toBe(4);
  });

  it('keeps ties and negative values', () => {
    expect(median([-2, -2, 5])).toBe(-2);
    expect(percentile([2, 2, 2, 9], 0.75)).toBe(3.75);
  });

  it('does not reorder the caller array', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('rejects a quantile outside [0, 1]', () => {
    expect(() => percentile([1], 1.5)).toThrow(RangeError);
    expect(() => percentile([1], -0.1)).toThrow(RangeError);
  });

  it('lies between the minimum and the maximum and grows with p', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (values, p) => {
        const value = percentile(values, p)!;
        expect(value).toBeGreaterThanOrEqual(Math.min(...values));
        expect(value).toBeLessThanOrEqual(Math.max(...values));
        expect(percentile(values, Math.min(1, p + 0.1))!).toBeGreaterThanOrEqual(value - 1e-9);
      }),
    );
  });
});

describe('ratio', () => {
  it('is null for a zero denominator, never Infinity or 0', () => {
    expect(ratio(5, 0)).toBeNull();
    expect(ratio(0, 0)).toBeNull();
  });

  it('divides otherwise', () => {
    expect(ratio(1, 4)).toBe(0.25);
    expect(ratio(0, 3)).toBe(0);
  });
});
