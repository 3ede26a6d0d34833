// Editing a KPI target as a role that sees its budget masked keeps the budget as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { masked } from '~/lib/masked';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import type { KpiTargetInput } from '~/server/kpiTargets';
import { callerAs, createTestUser } from '../testing';

let handle: DbHandle;

const leadsTarget: KpiTargetInput = {
  name: 'Follow-ups',
  metric: 'leads',
  periodKind: 'month',
  periodStart: '2026-01-01',
  targetValue: 40,
  budgetCents: 250000,
  accountable: 'sales',
};

beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(() => handle.close());

describe('kpi target budget', () => {
  it('is kept when a role without seeSpend edits the target, and changed by one with it', async () => {
    const executive = callerAs(handle.db, await createTestUser(handle.db, { role: 'executive' }));
    const sales = callerAs(handle.db, await createTestUser(handle.db, { role: 'sales' }));
    const created = await executive.kpis.create(leadsTarget);
    expect(created.budgetCents).toBe(250000);

    const edited = await sales.kpis.update({ id: created.id, target: { ...leadsTarget, targetValue: 50, budgetCents: null } });
    expect([edited.targetValue, edited.budgetCents]).toEqual([50, masked]);
    const seen = (await executive.kpis.list({})).find((s) => s.target.id === created.id);
    expect([seen?.target.targetValue, seen?.target.budgetCents]).toEqual([50, 250000]);

    const rebudgeted = await executive.kpis.update({ id: created.id, target: { ...leadsTarget, budgetCents: 100 } });
    expect(rebudgeted.budgetCents).toBe(100);
  });
});
