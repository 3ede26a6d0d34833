import { describe, expect, it } from 'vitest';
import { mixSeed, Random } from './random';

describe('Random', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const first = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(first);
  });

  it('gives mulberry32 values in [0, 1) and integers within their bounds', () => {
    const rng = new Random(1);
    for (let i = 0; i < 2_000; i++) {
      const u = rng.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      const k = rng.int(3, 7);
      expect(k).toBeGreaterThanOrEqual(3);
      expect(k).toBeLessThanOrEqual(7);
    }
  });

  it('picks by weight: a zero weight is never picked and shares follow the weights', () => {
    const rng = new Random(7);
    const seen = { a: 0, b: 0, never: 0 };
    for (let i = 0; i < 20_000; i++) seen[rng.weighted({ a: 3, b: 1, never: 0 })]++;
    expect(seen.never).toBe(0);
    expect(seen.a / 20_000).toBeGreaterThan(0.72);
    expect(seen.a / 20_000).toBeLessThan(0.78);
  });

  it('has a log-normal median near the one asked for and a Poisson mean near its mean', () => {
    const rng = new Random(9);
    const draws = Array.from({ length: 20_001 }, () => rng.logNormal(10, 0.8)).sort((x, y) => x - y);
    expect(draws[10_000]).toBeGreaterThan(9.5);
    expect(draws[10_000]).toBeLessThan(10.5);
    const counts = Array.from({ length: 20_000 }, () => rng.poisson(2.3));
    expect(counts.reduce((s, k) => s + k, 0) / counts.length).toBeCloseTo(2.3, 1);
  });

  it('mixes seed parts into distinct streams', () => {
    expect(mixSeed(42, 3, 1)).not.toBe(mixSeed(42, 3, 2));
    expect(mixSeed(42, 3, 1)).toBe(mixSeed(42, 3, 1));
  });
});
