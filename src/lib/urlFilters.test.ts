import { describe, expect, it } from 'vitest';
import { describeRange, parseCohortBy, parseFilters, resolveRange, toMetricInput, withFilters, writeFilters } from './urlFilters';

const now = new Date('2026-05-14T15:30:00Z');

describe('parseFilters', () => {
  it('defaults to the last 12 months and no filters', () => {
    expect(parseFilters(new URLSearchParams())).toEqual({ preset: 'last12Months' });
  });

  it('reads a preset and the four filters from URLSearchParams or Next search params', () => {
    expect(parseFilters(new URLSearchParams('range=lastQuarter&source=email&campaign=C-1&segment=enterprise&dealType=new'))).toEqual({
      preset: 'lastQuarter',
      source: 'email',
      campaign: 'C-1',
      segment: 'enterprise',
      dealType: 'new',
    });
    expect(parseFilters({ range: ['last30', 'last90'], source: '  ', segment: undefined })).toEqual({ preset: 'last30' });
  });

  it('keeps a custom range only with two real, ordered days', () => {
    expect(parseFilters(new URLSearchParams('range=custom&from=2026-01-01&to=2026-01-31'))).toEqual({ preset: 'custom', from: '2026-01-01', to: '2026-01-31' });
    expect(parseFilters(new URLSearchParams('range=custom&from=2026-02-01&to=2026-01-31'))).toEqual({ preset: 'last12Months' });
    expect(parseFilters(new URLSearchParams('range=custom&from=2026-02-30&to=2026-03-31'))).toEqual({ preset: 'last12Months' });
    expect(parseFilters(new URLSearchParams('range=custom&from=2026-01-01'))).toEqual({ preset: 'last12Months' });
  });

  it('ignores an unknown preset', () => {
    expect(parseFilters(new URLSearchParams('range=yesterday'))).toEqual({ preset: 'last12Months' });
  });
});

describe('writeFilters', () => {
  it('leaves defaults out and writes in a fixed order', () => {
    expect(writeFilters({ preset: 'last12Months' }).toString()).toBe('');
    expect(writeFilters({ dealType: 'new', preset: 'thisMonth', source: 'email' }).toString()).toBe('range=thisMonth&source=email&dealType=new');
    expect(writeFilters({ preset: 'custom', from: '2025-01-01', to: '2025-03-31', campaign: ' ' }).toString()).toBe('range=custom&from=2025-01-01&to=2025-03-31');
  });

  it('round-trips through parseFilters', () => {
    const state = { preset: 'custom' as const, from: '2025-01-01', to: '2025-06-30', source: 'paid_search', segment: 'smb' };
    expect(parseFilters(writeFilters(state))).toEqual(state);
  });

  it('replaces only the filter params, keeping a page its own', () => {
    const next = withFilters(new URLSearchParams('cohortBy=awareness&range=last30&source=email'), { preset: 'lastMonth', campaign: 'C-9' });
    expect(next.toString()).toBe('cohortBy=awareness&range=lastMonth&campaign=C-9');
  });
});

describe('resolveRange', () => {
  const range = (preset: Parameters<typeof resolveRange>[0]['preset']) => resolveRange({ preset }, now);

  it('ends rolling ranges with today included', () => {
    expect(range('last30')).toEqual({ from: '2026-04-15', to: '2026-05-15' });
    expect(range('last90')).toEqual({ from: '2026-02-14', to: '2026-05-15' });
  });

  it('gives whole calendar months and quarters', () => {
    expect(range('thisMonth')).toEqual({ from: '2026-05-01', to: '2026-06-01' });
    expect(range('lastMonth')).toEqual({ from: '2026-04-01', to: '2026-05-01' });
    expect(range('thisQuarter')).toEqual({ from: '2026-04-01', to: '2026-07-01' });
    expect(range('lastQuarter')).toEqual({ from: '2026-01-01', to: '2026-04-01' });
    expect(range('last12Months')).toEqual({ from: '2025-06-01', to: '2026-06-01' });
  });

  it('crosses year ends', () => {
    const january = new Date('2026-01-10T00:00:00Z');
    expect(resolveRange({ preset: 'lastMonth' }, january)).toEqual({ from: '2025-12-01', to: '2026-01-01' });
    expect(resolveRange({ preset: 'lastQuarter' }, january)).toEqual({ from: '2025-10-01', to: '2026-01-01' });
    expect(resolveRange({ preset: 'thisQuarter' }, new Date('2025-12-31T23:59:59Z'))).toEqual({ from: '2025-10-01', to: '2026-01-01' });
  });

  it('includes the last day of a custom range', () => {
    expect(resolveRange({ preset: 'custom', from: '2026-02-01', to: '2026-02-28' }, now)).toEqual({ from: '2026-02-01', to: '2026-03-01' });
    expect(resolveRange({ preset: 'custom', from: '2026-02-01', to: '2026-02-01' }, now)).toEqual({ from: '2026-02-01', to: '2026-02-02' });
  });
});

describe('toMetricInput', () => {
  it('gives the range and only the filters that are set', () => {
    expect(toMetricInput({ preset: 'lastMonth', source: 'email', dealType: 'renewal' }, now)).toEqual({
      range: { from: '2026-04-01', to: '2026-05-01' },
      filters: { source: 'email', dealType: 'renewal' },
    });
  });
});

describe('describeRange and parseCohortBy', () => {
  it('names the last day included', () => {
    expect(describeRange({ from: '2026-04-01', to: '2026-05-01' })).toBe('2026-04-01 to 2026-04-30');
  });

  it('reads the cohort basis, inquiry unless awareness', () => {
    expect(parseCohortBy(new URLSearchParams('cohortBy=awareness'))).toBe('awareness');
    expect(parseCohortBy({ cohortBy: 'other' })).toBe('inquiry');
    expect(parseCohortBy({})).toBe('inquiry');
  });
});
