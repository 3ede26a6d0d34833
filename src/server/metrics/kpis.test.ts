import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import type { Department } from '~/server/ingest/catalogue';
import { seedEvents } from '~/server/ingest/seedEvents';
import {
  createKpiTarget,
  deleteKpiTarget,
  getKpiTarget,
  kpiTargetInput,
  listKpiTargets,
  updateKpiTarget,
  type KpiTargetInput,
} from '~/server/kpiTargets';
import { kpiActual, kpiTargetStatus, kpiTargetStatuses } from './kpis';

let handle: DbHandle;


// Q1 2026 has 90 days; at Feb 15 (asOf) 45 have passed: half. February: 14 of 28 days, half too.
const asOf = new Date('2026-02-15T00:00:00Z');
const q1 = { from: '2026-01-01T00:00:00Z', to: '2026-02-15T00:00:00Z' };

const base = { periodKind: 'quarter', periodStart: '2026-01-01' } as const;

beforeAll(async () => {
  handle = await createTestDb();
  await seedEvents(handle.db, [
    ['lead.created', '2026-01-05T00:00:00Z', { contactId: 'c1', source: 'webinar' }],
    ['lead.created', '2026-01-20T00:00:00Z', { contactId: 'c2', source: 'webinar' }],
    ['lead.created', '2026-02-03T00:00:00Z', { contactId: 'c3', source: 'paid_search' }],
    ['lead.created', '2026-02-10T00:00:00Z', { contactId: 'c4', source: 'webinar' }],
    ['lead.created', '2026-03-10T00:00:00Z', { contactId: 'c5', source: 'webinar' }],
  ]);
  await seedEvents(handle.db, [
    ['lead.followed_up', '2026-01-05T10:00:00Z', { contactId: 'c1', activity: 'call' }],
    ['lead.followed_up', '2026-01-22T00:00:00Z', { contactId: 'c2', activity: 'email' }],
    ['lead.followed_up', '2026-02-03T02:00:00Z', { contactId: 'c3', activity: 'call' }],
    ['lead.qualified', '2026-01-06T00:00:00Z', { contactId: 'c1' }],
    ['lead.qualified', '2026-02-04T00:00:00Z', { contactId: 'c3' }],
    ['lead.qualified', '2026-02-12T00:00:00Z', { contactId: 'c4' }],
    ['opportunity.created', '2026-01-07T00:00:00Z', { opportunityId: 'O1', accountId: 'A1', contactId: 'c1', amountCents: 10000, dealType: 'new_business' }],
    ['opportunity.won', '2026-01-25T00:00:00Z', { opportunityId: 'O1', amountCents: 12000 }],
    ['opportunity.created', '2026-02-05T00:00:00Z', { opportunityId: 'O3', accountId: 'A3', contactId: 'c3', amountCents: 5000, dealType: 'smb' }],
    ['opportunity.won', '2026-02-12T00:00:00Z', { opportunityId: 'O3' }],
    ['opportunity.created', '2026-02-13T00:00:00Z', { opportunityId: 'O4', accountId: 'A4', contactId: 'c4', amountCents: 5000, dealType: 'smb' }],
  ]);
  await seedEvents(handle.db, [
    ['onboarding.started', '2026-02-01T00:00:00Z', { opportunityId: 'O1' }],
    ['account.expanded', '2026-02-14T00:00:00Z', { accountId: 'A1', amountCents: 2000 }],
    ['account.expanded', '2026-02-15T00:00:00Z', { accountId: 'A1', amountCents: 9000 }],
  ]);
  await seedEvents(handle.db, [
    ['ticket.opened', '2026-01-10T00:00:00Z', { ticketId: 'T1', accountId: 'A1' }],
    ['ticket.resolved', '2026-01-11T00:00:00Z', { ticketId: 'T1' }],
    ['ticket.opened', '2026-02-01T00:00:00Z', { ticketId: 'T2', accountId: 'A1' }],
    ['ticket.resolved', '2026-02-05T00:00:00Z', { ticketId: 'T2' }],
    ['ticket.opened', '2026-02-14T00:00:00Z', { ticketId: 'T3', accountId: 'A3' }],
  ]);
});

afterAll(async () => {
  await handle.close();
});

describe('KPI actuals', () => {
  it('computes every metric over a half-open range', async () => {
    const actual = (metric: Parameters<typeof kpiActual>[1], filters = {}) => kpiActual(handle.db, metric, q1, filters);
    expect(await actual('leads')).toBe(4);
    expect(await actual('leads', { source: 'webinar' })).toBe(3);
    expect(await actual('qualified_leads')).toBe(3);
    expect(await actual('qualification_rate')).toBe(0.75);
    expect(await actual('win_rate')).toBe(0.5);
    expect(await actual('won_deals')).toBe(2);
    expect(await actual('won_revenue')).toBe(17000);
    expect(await actual('won_revenue', { dealType: 'smb' })).toBe(5000);
    expect(await actual('onboarding_starts')).toBe(1);
    // c1 (10 h) and c3 (2 h) in time; c2 (48 h) late; c4 never, its 24 h over on Feb 11.
    expect(await actual('follow_up_within_sla')).toBe(0.5);
    // O1: won Jan 25, onboarding Feb 1, exactly 7 days; O3 won Feb 12, still within its 7 days.
    expect(await actual('onboarding_within_sla')).toBe(1);
    // T1 in time, T2 late, T3 still within its 48 h at the range end: undecided.
    expect(await actual('tickets_resolved_within_sla')).toBe(0.5);
    expect(await actual('expansion_revenue')).toBe(2000);
    expect(await actual('renewal_revenue')).toBe(0);
  });

  it('gives null for a rate with nothing to divide by', async () => {
    expect(await kpiActual(handle.db, 'win_rate', { from: '2025-01-01', to: '2025-02-01' }, {})).toBeNull();
  });
});

describe('KPI target status', () => {
  async function statusOf(input: KpiTargetInput, at = asOf) {
    const target = await createKpiTarget(handle.db, input, null);
    return kpiTargetStatus(handle.db, target, at);
  }

  it('projects sums linearly: 17000 by mid-quarter runs to 34000, on track for 30000', async () => {
    const s = await statusOf({ ...base, name: 'Revenue', metric: 'won_revenue', targetValue: 30000, accountable: 'sales', responsible: ['marketing'] });
    expect(s).toMatchObject({ elapsed: 0.5, actual: 17000, projection: 34000, quantityStatus: 'on_track', status: 'on_track', periodEnd: '2026-04-01T00:00:00.000Z' });
    expect(s.attainment).toBeCloseTo(17000 / 30000, 12);
  });

  it('is at risk within 90% of the target, and one step worse when quality is missed', async () => {
    // 4 leads -> 8 projected; 90% of 8.5 is 7.65. Qualification 0.75 < 0.8.
    const s = await statusOf({ ...base, name: 'Leads', metric: 'leads', targetValue: 8.5, qualityMetric: 'qualification_rate', qualityMin: 0.8, accountable: 'marketing' });
    expect(s).toMatchObject({ actual: 4, projection: 8, quantityStatus: 'at_risk', qualityActual: 0.75, qualityMet: false, status: 'off_track' });

    // 3 qualified -> 6 projected, on track; win rate 0.5 < 0.6 makes it at risk.
    const q = await statusOf({ ...base, name: 'Qualified', metric: 'qualified_leads', targetValue: 6, qualityMetric: 'win_rate', qualityMin: 0.6, accountable: 'marketing' });
    expect(q).toMatchObject({ actual: 3, projection: 6, quantityStatus: 'on_track', qualityMet: false, status: 'at_risk' });

    const met = await statusOf({ ...base, name: 'Qualified, met', metric: 'qualified_leads', targetValue: 6, qualityMetric: 'win_rate', qualityMin: 0.5, accountable: 'marketing' });
    expect(met).toMatchObject({ qualityMet: true, status: 'on_track' });
  });

  it('judges a month, rates, and a filtered target', async () => {
    const onboarding = await statusOf({ ...base, name: 'Onboardings', metric: 'onboarding_starts', periodKind: 'month', periodStart: '2026-02-01', targetValue: 3, accountable: 'operations' });
    expect(onboarding).toMatchObject({ elapsed: 0.5, actual: 1, projection: 2, status: 'off_track' });

    const followUp = await statusOf({ ...base, name: 'Follow-up', metric: 'follow_up_within_sla', targetValue: 0.9, accountable: 'sales' });
    expect(followUp).toMatchObject({ actual: 0.5, projection: 0.5, status: 'off_track' });

    const tickets = await statusOf({ ...base, name: 'Tickets', metric: 'tickets_resolved_within_sla', targetValue: 0.5, accountable: 'service' });
    expect(tickets).toMatchObject({ actual: 0.5, projection: 0.5, status: 'on_track' });

    const webinar = await statusOf({ ...base, name: 'Webinar leads', metric: 'leads', filters: { source: 'Webinar' }, targetValue: 6, accountable: 'marketing' });
    expect(webinar).toMatchObject({ actual: 3, projection: 6, status: 'on_track' });
  });

  it('has not started before its period and stops projecting after it', async () => {
    const march = await statusOf({ ...base, name: 'Expansion', metric: 'expansion_revenue', periodKind: 'month', periodStart: '2026-03-01', targetValue: 1000, accountable: 'operations' });
    expect(march).toMatchObject({ elapsed: 0, actual: null, projection: null, status: 'not_started' });

    // Q1 over: O1 12000 + O3 5000 won in it; 17000 < 0.9 x 27000.
    const over = await statusOf({ ...base, name: 'Revenue, over', metric: 'won_revenue', targetValue: 27000, accountable: 'sales' }, new Date('2026-05-01T00:00:00Z'));
    expect(over).toMatchObject({ elapsed: 1, actual: 17000, projection: 17000, status: 'off_track' });
  });

  it('has no data for a rate without a denominator', async () => {
    const empty = await statusOf({ ...base, name: 'Win rate 2025', metric: 'win_rate', periodStart: '2025-01-01', targetValue: 0.2, accountable: 'sales' });
    expect(empty).toMatchObject({ elapsed: 1, actual: null, status: 'no_data' });
  });
});

describe('KPI target records', () => {
  it('rejects what a target cannot be', () => {
    const issues = (input: Partial<KpiTargetInput>) => {
      const parsed = kpiTargetInput.safeParse({ ...base, name: 'x', metric: 'leads', targetValue: 1, accountable: 'sales', ...input });
      return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
    };
    expect(issues({})).toEqual([]);
    expect(issues({ periodStart: '2026-02-01' })).toEqual(['periodStart']);
    expect(issues({ metric: 'win_rate', targetValue: 25 })).toEqual(['targetValue']);
    expect(issues({ qualityMetric: 'win_rate' })).toEqual(['qualityMin']);
    expect(issues({ qualityMetric: 'leads', qualityMin: 0.2 })).toEqual(['qualityMetric']);
    expect(issues({ responsible: ['marketing'], informed: ['sales'] })).toEqual(['informed.0']);
    expect(issues({ accountable: 'executive' as Department })).toEqual(['accountable']);
  });

  it('creates, edits, lists by department and deletes', async () => {
    const created = await createKpiTarget(
      handle.db,
      { ...base, name: 'Shared revenue', metric: 'won_revenue', periodStart: '2026-04-01', targetValue: 100000, budgetCents: 250000, accountable: 'sales', responsible: ['marketing'], informed: ['operations'] },
      7,
    );
    expect(created).toMatchObject({ name: 'Shared revenue', accountable: 'sales', responsible: ['marketing'], consulted: [], informed: ['operations'], budgetCents: 250000, filters: {}, createdBy: 7, updatedBy: 7 });

    const edited = await updateKpiTarget(handle.db, created.id, { ...base, name: 'Shared revenue', metric: 'won_revenue', periodStart: '2026-04-01', targetValue: 120000, accountable: 'sales', responsible: ['marketing'], consulted: ['service'] }, 9);
    expect(edited).toMatchObject({ targetValue: 120000, budgetCents: null, consulted: ['service'], informed: [], createdBy: 7, updatedBy: 9 });
    expect(edited!.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());

    const aprilFor = async (department: Department) =>
      (await listKpiTargets(handle.db, { department, periodStart: '2026-04-01' })).map((t) => t.name);
    expect(await aprilFor('marketing')).toEqual(['Shared revenue']);
    expect(await aprilFor('service')).toEqual(['Shared revenue']);
    expect(await aprilFor('operations')).toEqual([]);

    const statuses = await kpiTargetStatuses(handle.db, { asOf, periodStart: '2026-04-01' });
    expect(statuses.map((s) => [s.target.name, s.status])).toEqual([['Shared revenue', 'not_started']]);

    expect(await deleteKpiTarget(handle.db, created.id)).toBe(true);
    expect(await deleteKpiTarget(handle.db, created.id)).toBe(false);
    expect(await getKpiTarget(handle.db, created.id)).toBeNull();
    expect(await updateKpiTarget(handle.db, created.id, { ...base, name: 'gone', metric: 'leads', targetValue: 1, accountable: 'sales' }, 9)).toBeNull();
  });
});
