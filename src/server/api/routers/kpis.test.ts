// The KPI target procedures through the real middleware chain: who may edit which target, and
// money and budgets masked for roles without 'seeMoney' or 'seeSpend'.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { masked } from '~/lib/masked';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { createApiKey } from '~/server/ingest/apiKeys';
import { ingestAndApply } from '~/server/ingest/ingestAndApply';
import type { KpiTargetInput } from '~/server/kpiTargets';
import { callerAs, createTestUser } from '../testing';

let handle: DbHandle;

const revenueTarget: KpiTargetInput = {
  name: 'Revenue',
  metric: 'won_revenue',
  periodKind: 'month',
  periodStart: '2026-01-01',
  targetValue: 1000,
  budgetCents: 500,
  accountable: 'sales',
  responsible: ['marketing'],
};

beforeAll(async () => {
  handle = await createTestDb();
  const sales = await createApiKey(handle.db, { department: 'sales', name: 'sales' });
  await ingestAndApply(handle.db, { apiKeyId: sales.id, department: 'sales' }, [
    { id: 's1', type: 'opportunity.created', occurredAt: '2026-01-02T00:00:00Z', data: { opportunityId: 'O1', accountId: 'A1', amountCents: 700, dealType: 'smb' } },
    { id: 's2', type: 'opportunity.won', occurredAt: '2026-01-10T00:00:00Z', data: { opportunityId: 'O1' } },
  ]);
});
afterAll(() => handle.close());

describe('kpi target editing', () => {
  it('lets the accountable department create, edit and delete its target', async () => {
    const sales = callerAs(handle.db, await createTestUser(handle.db, { role: 'sales' }));
    const created = await sales.kpis.create(revenueTarget);
    expect(created).toMatchObject({ accountable: 'sales', targetValue: 1000, budgetCents: masked });
    const updated = await sales.kpis.update({ id: created.id, target: { ...revenueTarget, targetValue: 1200 } });
    expect(updated.targetValue).toBe(1200);
    expect(await sales.kpis.delete({ id: created.id })).toEqual({ id: created.id });
    await expect(sales.kpis.delete({ id: created.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses another department, even one responsible for the target, and cannot hand a target over', async () => {
    const admin = callerAs(handle.db, await createTestUser(handle.db, { role: 'admin' }));
    const target = await admin.kpis.create(revenueTarget);
    const marketing = callerAs(handle.db, await createTestUser(handle.db, { role: 'marketing' }));
    await expect(marketing.kpis.update({ id: target.id, target: revenueTarget })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(marketing.kpis.delete({ id: target.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(marketing.kpis.create(revenueTarget)).rejects.toMatchObject({ code: 'FORBIDDEN' });

    const sales = callerAs(handle.db, await createTestUser(handle.db, { role: 'sales' }));
    await expect(sales.kpis.update({ id: target.id, target: { ...revenueTarget, accountable: 'marketing', responsible: [] } })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('lets executives edit any target and keeps viewers out', async () => {
    const executive = callerAs(handle.db, await createTestUser(handle.db, { role: 'executive' }));
    const target = await executive.kpis.create({ ...revenueTarget, accountable: 'service', responsible: [] });
    expect(target.accountable).toBe('service');
    const viewer = callerAs(handle.db, await createTestUser(handle.db, { role: 'viewer', department: 'service' }));
    await expect(viewer.kpis.delete({ id: target.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(callerAs(handle.db, null).kpis.list({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await executive.kpis.delete({ id: target.id })).toEqual({ id: target.id });
  });

  it('names the fields of an invalid target', async () => {
    const sales = callerAs(handle.db, await createTestUser(handle.db, { role: 'sales' }));
    await expect(sales.kpis.create({ ...revenueTarget, periodStart: '2026-01-15' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('kpi target list', () => {
  it('shows money to roles that may see it and masks it, not the status, for the others', async () => {
    const admin = callerAs(handle.db, await createTestUser(handle.db, { role: 'admin' }));
    await admin.kpis.create({ ...revenueTarget, name: 'Listed' });
    // January: 31 days; at Jan 16 15 have passed. 700 won -> 700 x 31 / 15 = 1446.67 >= 1000.
    const asOf = '2026-01-16T00:00:00Z';
    const [seen] = await admin.kpis.list({ periodStart: '2026-01-01', asOf });
    expect(seen).toMatchObject({ actual: 700, status: 'on_track', target: { targetValue: 1000, budgetCents: 500 } });
    expect(seen?.projection).toBeCloseTo((700 * 31) / 15, 9);

    const service = callerAs(handle.db, await createTestUser(handle.db, { role: 'service' }));
    const [hidden] = await service.kpis.list({ periodStart: '2026-01-01', asOf });
    expect(hidden).toMatchObject({ actual: masked, projection: masked, status: 'on_track', target: { targetValue: masked, budgetCents: masked } });

    const metrics = await service.kpis.metrics();
    expect(metrics.find((m) => m.metric === 'won_revenue')).toEqual({ metric: 'won_revenue', label: 'Won revenue', shape: 'additive', unit: 'cents' });
  });
});
