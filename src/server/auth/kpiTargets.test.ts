import { describe, expect, it } from 'vitest';
import { canEditTarget } from './kpiTargets';

describe('canEditTarget', () => {
  const salesTarget = { accountable: 'sales' };

  it('lets the accountable department edit its target, and no other department', () => {
    expect(canEditTarget({ role: 'sales', department: 'sales' }, salesTarget)).toBe(true);
    expect(canEditTarget({ role: 'marketing', department: 'marketing' }, salesTarget)).toBe(false);
    expect(canEditTarget({ role: 'viewer', department: 'operations' }, salesTarget)).toBe(false);
  });

  it('lets executives and admins edit any target', () => {
    expect(canEditTarget({ role: 'executive', department: 'executive' }, salesTarget)).toBe(true);
    expect(canEditTarget({ role: 'admin', department: 'it' }, salesTarget)).toBe(true);
  });
});
