import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { createApiKey } from '~/server/ingest/apiKeys';
import type { Department } from '~/server/ingest/catalogue';
import { ingestAndApply } from '~/server/ingest/ingestAndApply';
import { listKpiTargets } from '~/server/metrics/kpis';
import { seedKpiTargets } from './kpiTargets';

let handle: DbHandle;

async function send(department: Department, events: [type: string, at: string, data: Record<string, unknown>][]) {
  const key = await createApiKey(handle.db, { department, name: department });
  const result = await ingestAndApply(
    handle.db,
    { apiKeyId: key.id, department },
    events.map(([type, occurredAt, data], i) => ({ id: `${department}-${i}`, type, occurredAt, data })),
  );
  expect(result.rejected).toEqual([]);
}

beforeAll(async () => {
  handle = await createTestDb();
  await send('marketing', [
    ['lead.created', '2026-04-10T00:00:00Z', { contactId: 'c1' }],
    ['lead.created', '2026-04-20T00:00:00Z', { contactId: 'c2' }],
  ]);
  await send('sales', [
    ['lead.followed_up', '2026-04-10T01:00:00Z', { contactId: 'c1', activity: 'call' }],
    ['opportunity.created', '2026-01-10T00:00:00Z', { opportunityId: 'O1', accountId: 'A1', amountCents: 100000, dealType: 'new_business' }],
    ['opportunity.won', '2026-02-10T00:00:00Z', { opportunityId: 'O1', amountCents: 120000 }],
  ]);
});

afterAll(async () => {
  await handle.close();
});

describe('seedKpiTargets', () => {
  it('creates targets for the anchor month and quarter, from the previous period, once', async () => {
    expect(await seedKpiTargets(handle.db, new Date('2026-05-15T12:00:00Z'))).toBe(8);
    const targets = await listKpiTargets(handle.db);
    const byName = new Map(targets.map((t) => [t.name, t]));

    // Q1: 120000 won -> x1.1; 1 deal -> 1; April: 2 inquiries -> 2; 1 of 2 followed up in time -> 0.5 + 0.05.
    const revenue = byName.get('New revenue (shared: marketing signs up for the sales number)');
    expect(revenue).toMatchObject({ periodKind: 'quarter', periodStart: '2026-04-01', targetValue: 132000, accountable: 'sales', responsible: ['marketing'] });
    expect(byName.get('Won deals')).toMatchObject({ targetValue: 1 });
    expect(byName.get('Inquiries')).toMatchObject({ periodKind: 'month', periodStart: '2026-05-01', targetValue: 2 });
    expect(byName.get('Speed to lead')).toMatchObject({ targetValue: 0.55 });
    // No onboarding in April: the fallback.
    expect(byName.get('Onboarding starts')).toMatchObject({ targetValue: 15, qualityMetric: 'onboarding_within_sla', qualityMin: 0.8 });

    expect(new Set(targets.map((t) => t.accountable))).toEqual(new Set(['marketing', 'sales', 'operations', 'service']));
    expect(await seedKpiTargets(handle.db, new Date('2026-05-15T12:00:00Z'))).toBe(0);
  });
});
