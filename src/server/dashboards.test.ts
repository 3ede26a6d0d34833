import { describe, expect, it } from 'vitest';
import { canChangeDashboard, canViewDashboard, dashboardDefinition, dashboardTile, tileRange } from './dashboards';

describe('who may see and change a dashboard', () => {
  const dashboard = { ownerId: 7, sharedWith: ['sales', 'executive'] };

  it('lets the owner and the roles it is shared with see it', () => {
    expect(canViewDashboard({ id: 7, role: 'viewer' }, dashboard)).toBe(true);
    expect(canViewDashboard({ id: 8, role: 'sales' }, dashboard)).toBe(true);
    expect(canViewDashboard({ id: 9, role: 'executive' }, dashboard)).toBe(true);
    expect(canViewDashboard({ id: 10, role: 'marketing' }, dashboard)).toBe(false);
    expect(canViewDashboard({ id: 11, role: 'admin' }, { ownerId: 7, sharedWith: [] })).toBe(false);
  });

  it('lets the owner alone change it', () => {
    expect(canChangeDashboard({ id: 7 }, dashboard)).toBe(true);
    expect(canChangeDashboard({ id: 8 }, dashboard)).toBe(false);
  });
});

describe('a dashboard definition', () => {
  it('defaults a tile to no filters and lower-cases filter labels', () => {
    const parsed = dashboardDefinition.parse({ name: ' Weekly ', tiles: [{ kind: 'funnel', filters: { source: ' Email ' } }, { kind: 'forecast' }] });
    expect(parsed).toEqual({ name: 'Weekly', tiles: [{ kind: 'funnel', filters: { source: 'email' } }, { kind: 'forecast', filters: {} }] });
  });

  it('refuses an unknown kind, an empty name and a backwards range', () => {
    expect(dashboardDefinition.safeParse({ name: 'x', tiles: [{ kind: 'pie' }] }).success).toBe(false);
    expect(dashboardDefinition.safeParse({ name: '  ', tiles: [] }).success).toBe(false);
    expect(
      dashboardDefinition.safeParse({ name: 'x', tiles: [{ kind: 'funnel', range: { from: '2026-02-01', to: '2026-01-01' } }] }).success,
    ).toBe(false);
  });
});

describe('the range a tile shows', () => {
  const now = new Date('2026-03-15T10:00:00Z');

  it('is its fixed range when it has one', () => {
    const tile = dashboardTile.parse({ kind: 'funnel', preset: 'lastMonth', range: { from: '2025-01-01', to: '2025-02-01' } });
    expect(tileRange(tile, now)).toEqual({ from: '2025-01-01', to: '2025-02-01' });
  });

  it('is its preset resolved at view time, else the last 90 days', () => {
    expect(tileRange(dashboardTile.parse({ kind: 'funnel', preset: 'lastMonth' }), now)).toEqual({ from: '2026-02-01', to: '2026-03-01' });
    expect(tileRange(dashboardTile.parse({ kind: 'funnel' }), now)).toEqual({ from: '2025-12-16', to: '2026-03-16' });
  });
});
