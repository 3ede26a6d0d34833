import { describe, expect, it } from 'vitest';
import { progressLine } from './progress';

describe('progressLine', () => {
  it('shows share, count, rate and time left', () => {
    // 250 of 1,000 in 5 s: 50/s, 750 left -> 15 s.
    expect(progressLine({ done: 250, total: 1000, elapsedMs: 5000, unit: 'events' }, 8)).toBe(
      '[##......]  25.0%  250 / 1,000 events  50 events/s  ETA 15s',
    );
  });

  it('leaves the bar out when the total is unknown', () => {
    // 120,000 in 2 min: 1,000/s.
    expect(progressLine({ done: 120_000, total: null, elapsedMs: 120_000, unit: 'events' })).toBe('120,000 events  1,000 events/s  2m00s');
  });
});
