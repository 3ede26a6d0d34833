import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { seedEvents } from '~/server/ingest/seedEvents';
import { listKpiTargets } from '~/server/kpiTargets';
import { kpiTargetStatuses } from '~/server/metrics/kpis';
import { aimTarget, demoPeriod, demoTargets, seedKpiTargets } from './kpiTargets';

describe('aimTarget', () => {
  it('puts a count, money or a rate under, near or over the projection', () => {
    // 394 projected inquiries: 80% of it, whole.
    expect(aimTarget('leads', 'on_track', 394, 400)).toBe(315);
    // 73.7 projected deals / 0.7 = 105.29, rounded up.
    expect(aimTarget('won_deals', 'off_track', 73.7, 40)).toBe(106);
    // 162,768,217.89 cents x 0.8 = 130,214,574.3, down to whole dollars.
    expect(aimTarget('won_revenue', 'on_track', 162_768_217.89, 1)).toBe(130_214_500);
    // 103,177,717.49 / 0.95 = 108,608,123.67, up to whole dollars.
    expect(aimTarget('renewal_revenue', 'at_risk', 103_177_717.49, 1)).toBe(108_608_200);
    // Rates in whole percentages: 0.8865 x 0.9 = 0.798; 0.7363 / 0.95 = 0.775; 0.5455 / 0.75 = 0.727; at most 0.99.
    expect(aimTarget('tickets_resolved_within_sla', 'on_track', 0.8865, 0.85)).toBe(0.79);
    expect(aimTarget('follow_up_within_sla', 'at_risk', 0.7363, 0.85)).toBe(0.78);
    expect(aimTarget('onboarding_within_sla', 'off_track', 0.5455, 0.9)).toBe(0.73);
    expect(aimTarget('follow_up_within_sla', 'at_risk', 0.97, 0.85)).toBe(0.99);
    // Nothing to aim from: the fallback.
    expect(aimTarget('leads', 'on_track', null, 400)).toBe(400);
    expect(aimTarget('leads', 'on_track', 0, 400)).toBe(400);
  });
});

describe('demoPeriod', () => {
  it('takes the current period, or the one before while under a fifth of it has passed', () => {
    const asOf = new Date('2026-12-02T09:00:00Z');
    expect(demoPeriod('month', asOf).start.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(demoPeriod('quarter', asOf).start.toISOString()).toBe('2026-10-01T00:00:00.000Z');
    expect(demoPeriod('month', new Date('2026-05-15T12:00:00Z')).start.toISOString()).toBe('2026-05-01T00:00:00.000Z');
    // 9.5 of 91 days of Q2: Q1.
    expect(demoPeriod('quarter', new Date('2026-04-10T12:00:00Z')).start.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(demoPeriod('month', new Date('2026-05-15T12:00:00Z'), 'last').start.toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(demoPeriod('month', new Date('2026-12-02T09:00:00Z'), 'last').start.toISOString()).toBe('2026-11-01T00:00:00.000Z');
  });

  it('gives every department three targets', () => {
    for (const department of ['marketing', 'sales', 'operations', 'service']) {
      expect(demoTargets.filter((t) => t.accountable === department).map((t) => t.status).sort()).toEqual(['at_risk', 'off_track', 'on_track']);
    }
  });
});

describe('seedKpiTargets', () => {
  let handle: DbHandle;


  beforeAll(async () => {
    handle = await createTestDb();
    await seedEvents(handle.db, [
      ['lead.created', '2026-04-05T00:00:00Z', { contactId: 'c4' }],
      ['lead.created', '2026-04-06T00:00:00Z', { contactId: 'c5' }],
      ['lead.created', '2026-05-02T00:00:00Z', { contactId: 'c1' }],
      ['lead.created', '2026-05-03T00:00:00Z', { contactId: 'c2' }],
      ['lead.created', '2026-05-04T00:00:00Z', { contactId: 'c3' }],
    ]);
    await seedEvents(handle.db, [
      ['lead.followed_up', '2026-04-05T03:00:00Z', { contactId: 'c4', activity: 'call' }],
      ['lead.followed_up', '2026-04-07T06:00:00Z', { contactId: 'c5', activity: 'call' }],
      ['lead.followed_up', '2026-05-02T01:00:00Z', { contactId: 'c1', activity: 'call' }],
      ['lead.followed_up', '2026-05-03T02:00:00Z', { contactId: 'c2', activity: 'call' }],
      ['lead.followed_up', '2026-05-05T06:00:00Z', { contactId: 'c3', activity: 'call' }],
      ['lead.qualified', '2026-05-05T00:00:00Z', { contactId: 'c1' }],
      ['opportunity.created', '2026-05-06T00:00:00Z', { opportunityId: 'O1', accountId: 'A1', contactId: 'c1', amountCents: 100000, dealType: 'new_business' }],
      ['opportunity.won', '2026-05-10T00:00:00Z', { opportunityId: 'O1', amountCents: 120000 }],
    ]);
  });

  afterAll(async () => {
    await handle?.close();
  });

  it('aims each target from the pace of its period, once', async () => {
    const asOf = new Date('2026-05-15T12:00:00Z');
    expect(await seedKpiTargets(handle.db, asOf)).toBe(12);
    const byName = new Map((await listKpiTargets(handle.db)).map((t) => [t.name, t]));

    // May is 14.5 of 31 days in: 3 inquiries project to 6.41, x 0.8 -> 5.
    expect(byName.get('Inquiries')).toMatchObject({ periodKind: 'month', periodStart: '2026-05-01', targetValue: 5, accountable: 'marketing' });
    // Last month, April: 1 of 2 leads followed up within 24 h: 0.5 / 0.95 -> 0.53.
    expect(byName.get('Speed to lead')).toMatchObject({ periodStart: '2026-04-01', targetValue: 0.53 });
    // Q2 is 44.5 of 91 days in: one win of 120,000 projects to 245,393; x 0.8 -> 196,300.
    expect(byName.get('New revenue (shared: marketing signs up for the sales number)')).toMatchObject({
      periodKind: 'quarter', periodStart: '2026-04-01', targetValue: 196_300, accountable: 'sales', responsible: ['marketing'],
    });
    // 1 deal projects to 2.04, / 0.7 -> 3; likewise 1 qualified lead, whose rate 1 / 5 sets the quality
    // minimum 0.2 x 0.9 = 0.18 and the rate's target 0.2 / 0.95 = 0.211 -> 0.22.
    expect(byName.get('Won deals')).toMatchObject({ targetValue: 3 });
    expect(byName.get('Qualified leads')).toMatchObject({ targetValue: 3, qualityMetric: 'qualification_rate', qualityMin: 0.18 });
    expect(byName.get('Qualification rate')).toMatchObject({ targetValue: 0.22 });
    // No onboarding yet: the fallback.
    expect(byName.get('Onboarding starts')).toMatchObject({ targetValue: 15, qualityMetric: 'onboarding_within_sla', qualityMin: 0 });

    const statuses = new Map((await kpiTargetStatuses(handle.db, { asOf })).map((s) => [s.target.name, s.status]));
    expect(statuses.get('Inquiries')).toBe('on_track');
    expect(statuses.get('Speed to lead')).toBe('at_risk');
    expect(statuses.get('Qualification rate')).toBe('at_risk');
    expect(statuses.get('Won deals')).toBe('off_track');
    expect(statuses.get('Qualified leads')).toBe('off_track');
    expect(statuses.get('New revenue (shared: marketing signs up for the sales number)')).toBe('on_track');

    expect(await seedKpiTargets(handle.db, asOf)).toBe(0);
  });
});
