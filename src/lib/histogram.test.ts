import { describe, expect, it } from 'vitest';
import { percentile } from './stats';
import { histogramPercentile, quantileRanks, slotOf, slotWindow, valueAtRank } from './histogram';

describe('histogram percentiles', () => {
  it('equal percentile() over the values the histogram counts', () => {
    // values 1, 1, 1, 4, 9, 9: median between ranks 2 and 3 -> (1 + 4) / 2 = 2.5;
    // p75 at position 3.75 -> 4 + 0.75 * (9 - 4) = 7.75
    const histogram = [[1, 3], [4, 1], [9, 2]] as const;
    expect(histogramPercentile(histogram, 0.5)).toBe(2.5);
    expect(histogramPercentile(histogram, 0.75)).toBe(7.75);
    expect(histogramPercentile(histogram, 0.5)).toBe(percentile([1, 1, 1, 4, 9, 9], 0.5));
    expect(histogramPercentile([], 0.5)).toBeNull();
  });

  it('divide by the unit before interpolating', () => {
    // 720 and 2160 minutes are 0.5 and 1.5 days: the median is 1 day
    expect(histogramPercentile([[720, 1], [2160, 1]], 0.5, 1440)).toBe(1);
  });

  it('find a rank after the values counted before the histogram', () => {
    expect(quantileRanks(5, 0.75)).toEqual({ lower: 3, upper: 3, fraction: 0 });
    expect(valueAtRank([[10, 2], [20, 1]], 4, 2)).toBe(20);
    expect(valueAtRank([[10, 2]], 5, 2)).toBeNull();
  });
});

describe('duration slots', () => {
  it('are a day each below 60 days, then a week each, and their windows hold their minutes', () => {
    expect(slotOf(0)).toBe(0);
    expect(slotOf(1439)).toBe(0);
    expect(slotOf(1440)).toBe(1);
    expect(slotOf(60 * 1440 - 1)).toBe(59);
    expect(slotOf(60 * 1440)).toBe(60);
    expect(slotOf(67 * 1440)).toBe(61);
    expect(slotWindow(1)).toEqual([1440, 2879]);
    expect(slotWindow(61)).toEqual([67 * 1440, 74 * 1440 - 1]);
    for (const minutes of [0, 5000, 86_399, 86_400, 500_000]) {
      const [low, high] = slotWindow(slotOf(minutes));
      expect(minutes >= low && minutes <= high).toBe(true);
    }
  });
});
