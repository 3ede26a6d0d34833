import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { createApiKey } from '~/server/ingest/apiKeys';
import { ingestAndApply } from '~/server/ingest/ingestAndApply';
import { seedEvents } from '~/server/ingest/seedEvents';
import { createKpiTarget } from '~/server/kpiTargets';
import { SIGNATURE_HEADER, IDEMPOTENCY_HEADER, verifySignature, type SmtpConfig } from './channels';
import { deliverDue } from './delivery';
import { evaluateRule, evaluateRules } from './evaluate';
import { acquireLease, releaseLease } from './lease';
import { createAlertRule, setAlertRuleMuted } from './rules';
import { startSmtpSink, startWebhookReceiver, type SmtpSink, type WebhookReceiver } from './testReceivers';

let handle: DbHandle;
let ok: WebhookReceiver;
let flaky: WebhookReceiver;
let smtp: SmtpSink;
let smtpConfig: SmtpConfig;
const secret = 'a-shared-secret-of-32-characters';


const T1 = new Date('2026-02-15T00:00:00Z');
const T2 = new Date('2026-02-15T12:00:00Z');
const T3 = new Date('2026-02-15T13:00:00Z');
const base = 1000;
const deliver = (now: Date) => deliverDue(handle.db, { now, smtp: smtpConfig, baseDelayMs: base });

let targetId: number;
let kpiRuleId: number;

beforeAll(async () => {
  handle = await createTestDb();
  [ok, flaky, smtp] = await Promise.all([startWebhookReceiver(), startWebhookReceiver([500, 500]), startSmtpSink()]);
  smtpConfig = { host: smtp.host, port: smtp.port, secure: false, from: 'alerts@revenue.test' };
  // February: four webinar leads, each followed up within two hours; three qualified.
  await seedEvents(handle.db, [
    ['lead.created', '2026-02-02T00:00:00Z', { contactId: 'c1', source: 'webinar' }],
    ['lead.created', '2026-02-05T00:00:00Z', { contactId: 'c2', source: 'webinar' }],
    ['lead.created', '2026-02-09T00:00:00Z', { contactId: 'c3', source: 'webinar' }],
    ['lead.created', '2026-02-12T00:00:00Z', { contactId: 'c4', source: 'webinar' }],
  ]);
  await seedEvents(handle.db, [
    ['lead.followed_up', '2026-02-02T02:00:00Z', { contactId: 'c1', activity: 'call' }],
    ['lead.followed_up', '2026-02-05T02:00:00Z', { contactId: 'c2', activity: 'call' }],
    ['lead.followed_up', '2026-02-09T02:00:00Z', { contactId: 'c3', activity: 'call' }],
    ['lead.followed_up', '2026-02-12T02:00:00Z', { contactId: 'c4', activity: 'call' }],
    ['lead.qualified', '2026-02-02T03:00:00Z', { contactId: 'c1' }],
    ['lead.qualified', '2026-02-05T03:00:00Z', { contactId: 'c2' }],
    ['lead.qualified', '2026-02-09T03:00:00Z', { contactId: 'c3' }],
  ]);
  const target = await createKpiTarget(
    handle.db,
    {
      name: 'February leads',
      metric: 'leads',
      periodKind: 'month',
      periodStart: '2026-02-01',
      targetValue: 8,
      qualityMetric: 'qualification_rate',
      qualityMin: 0.6,
      accountable: 'marketing',
      responsible: ['sales'],
    },
    null,
  );
  targetId = target.id;
  const kpiRule = await createAlertRule(
    handle.db,
    {
      name: 'Leads target slips',
      department: 'marketing',
      kind: 'kpi_status',
      params: { targetId },
      channels: [
        { type: 'webhook', url: ok.url, secret },
        { type: 'email', to: ['marketing-lead@revenue.test'] },
      ],
    },
    null,
  );
  kpiRuleId = kpiRule.id;
  await createAlertRule(
    handle.db,
    {
      name: 'Late follow-ups',
      department: 'sales',
      kind: 'handoff_sla',
      params: { handoff: 'leadFollowUp', mode: 'item' },
      channels: [{ type: 'webhook', url: flaky.url, secret, format: 'json' }],
    },
    null,
  );
});

afterAll(async () => {
  await Promise.all([ok.close(), flaky.close(), smtp.close()]);
  await handle.close();
});

describe('alerts from ingested events to a webhook and an inbox', () => {
  it('records the first states quietly when nothing is wrong', async () => {
    // Feb 15 00:00: 14 of 28 days, 4 leads run to 8 = target (on track); 3/4 = 0.75 >= 0.6.
    const evaluation = await evaluateRules(handle.db, { now: T1 });
    expect(evaluation).toEqual({ rules: 2, changes: 1, queued: 0 });
    expect(await deliver(T1)).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    expect(ok.calls).toHaveLength(0);
    expect(flaky.calls).toHaveLength(0);
  });

  it('a target pushed to at risk and a lead past its follow-up SLA each queue one message per channel', async () => {
    // Two more leads on Feb 14 06:00: c6 followed up, c5 never. 3 of 6 qualified = 0.5 < 0.6:
    // the quantity (6 leads by 14.5 of 28 days, running to 11.6 >= 8) is on track, one step worse.
    await seedEvents(handle.db, [
      ['lead.created', '2026-02-14T06:00:00Z', { contactId: 'c5', source: 'webinar' }],
      ['lead.created', '2026-02-14T06:00:00Z', { contactId: 'c6', source: 'webinar' }],
    ]);
    await seedEvents(handle.db, [['lead.followed_up', '2026-02-14T08:00:00Z', { contactId: 'c6', activity: 'call' }]]);
    const evaluation = await evaluateRules(handle.db, { now: T2 });
    expect(evaluation).toEqual({ rules: 2, changes: 2, queued: 3 });
    const [state] = await rows<{ state: string; version: number }>(handle.db, sql`select state, version from alert_states where rule_id = ${kpiRuleId}`);
    expect(state).toEqual({ state: 'at_risk', version: 2 });
  });

  it('delivers a signed webhook and the email once; the failing receiver gets it on the third try', async () => {
    expect(await deliver(T2)).toEqual({ delivered: 2, retrying: 1, failed: 0 });
    expect(ok.calls).toHaveLength(1);
    const call = ok.calls[0]!;
    expect(verifySignature(call.body, secret, call.headers[SIGNATURE_HEADER.toLowerCase()] as string)).toBe(true);
    expect(verifySignature(call.body, 'another-secret-entirely!', call.headers[SIGNATURE_HEADER.toLowerCase()] as string)).toBe(false);
    const body = JSON.parse(call.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      title: 'KPI target "February leads" is at risk',
      kind: 'kpi_status',
      state: 'at_risk',
      previousState: 'on_track',
      alerting: true,
      detail: { targetId, status: 'at_risk', actual: 6, targetValue: 8 },
    });
    expect(call.headers[IDEMPOTENCY_HEADER.toLowerCase()]).toBe(`rule:${kpiRuleId}:${targetId}:v2:c0`);

    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]).toMatchObject({ to: ['marketing-lead@revenue.test'], subject: 'KPI target "February leads" is at risk' });

    // The flaky receiver answered 500; the retry is due after 1 s, then 2 s more.
    expect(flaky.calls.map((c) => c.status)).toEqual([500]);
    expect(await deliver(new Date(T2.getTime() + 999))).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    expect(await deliver(new Date(T2.getTime() + base))).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    expect(await deliver(new Date(T2.getTime() + 3 * base - 1))).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    expect(await deliver(new Date(T2.getTime() + 3 * base))).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    expect(flaky.calls.map((c) => c.status)).toEqual([500, 500, 200]);
    const keys = new Set(flaky.calls.map((c) => c.headers[IDEMPOTENCY_HEADER.toLowerCase()]));
    expect(keys.size).toBe(1);
    for (const c of flaky.calls) expect(verifySignature(c.body, secret, c.headers[SIGNATURE_HEADER.toLowerCase()] as string)).toBe(true);
    expect(JSON.parse(flaky.calls[2]!.body)).toMatchObject({ subject: 'c5', state: 'past_sla', detail: { itemId: 'c5', department: 'sales' } });

    const log = await rows<{ attempt: number; ok: number; error: string | null }>(
      handle.db,
      sql`select d.attempt, d.ok, d.error from alert_deliveries d join alert_outbox o on o.id = d.outbox_id
      where o.channel->>'url' = ${flaky.url} order by d.attempt`,
    );
    expect(log).toEqual([
      { attempt: 1, ok: 0, error: 'HTTP 500: try later' },
      { attempt: 2, ok: 0, error: 'HTTP 500: try later' },
      { attempt: 3, ok: 1, error: null },
    ]);
  });

  it('sends nothing again while the states hold', async () => {
    expect(await evaluateRules(handle.db, { now: T3 })).toEqual({ rules: 2, changes: 0, queued: 0 });
    expect(await deliver(new Date(T3.getTime() + 3_600_000))).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    expect(ok.calls).toHaveLength(1);
    expect(flaky.calls).toHaveLength(3);
    expect(smtp.mails).toHaveLength(1);
  });

  it('a muted rule keeps its state but sends nothing; a recovery is reported after unmuting', async () => {
    await setAlertRuleMuted(handle.db, kpiRuleId, true);
    // c5 is qualified: 4 of 6 = 0.67 >= 0.6, back on track while muted.
    await seedEvents(handle.db, [['lead.qualified', '2026-02-15T12:30:00Z', { contactId: 'c5' }]]);
    expect(await evaluateRules(handle.db, { now: T3 })).toMatchObject({ changes: 1, queued: 0 });
    await setAlertRuleMuted(handle.db, kpiRuleId, false);
    expect(await evaluateRules(handle.db, { now: T3 })).toMatchObject({ changes: 0, queued: 0 });
  });

  it('a lead handed off leaves the black hole without a message', async () => {
    await seedEvents(handle.db, [['lead.followed_up', '2026-02-15T12:40:00Z', { contactId: 'c5', activity: 'call' }]]);
    expect(await evaluateRules(handle.db, { now: T3 })).toMatchObject({ changes: 0, queued: 0 });
    const states = await rows<{ subject: string }>(handle.db, sql`select subject from alert_states where subject = 'c5'`);
    expect(states).toEqual([]);
  });
});

describe('the evaluation lease', () => {
  it('lets one holder evaluate at a time until it releases or its lease expires', async () => {
    expect(await acquireLease(handle.db, 'alerts:evaluate', 'instance-a', 60_000)).toBe(true);
    expect(await acquireLease(handle.db, 'alerts:evaluate', 'instance-b', 60_000)).toBe(false);
    expect(await evaluateRules(handle.db, { now: T3, holder: 'instance-b' })).toBeNull();
    await releaseLease(handle.db, 'alerts:evaluate', 'instance-a');
    expect(await acquireLease(handle.db, 'alerts:evaluate', 'instance-a', 1)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await acquireLease(handle.db, 'alerts:evaluate', 'instance-b', 60_000)).toBe(true);
    await releaseLease(handle.db, 'alerts:evaluate', 'instance-b');
  });
});

describe('lead quality and data health rules', () => {
  it('a source whose qualified share falls below X alerts once, with the share in the message', async () => {
    // Webinar leads of the 30 days before T3: c1..c6; qualified c1, c2, c3 and c5: 4/6 = 0.667.
    const rule = await createAlertRule(
      handle.db,
      { name: 'Webinar quality', department: 'marketing', kind: 'lead_quality', params: { by: 'source', key: 'webinar', minShare: 0.7, minLeads: 5 }, channels: [{ type: 'webhook', url: ok.url, secret }] },
      null,
    );
    expect(await evaluateRule(handle.db, rule, T3)).toEqual({ changes: 1, queued: 1 });
    expect(await evaluateRule(handle.db, rule, T3)).toEqual({ changes: 0, queued: 0 });
    const [message] = await rows<{ message: { title: string; detail: { leads: number; qualified: number } } }>(
      handle.db,
      sql`select message from alert_outbox where rule_id = ${rule.id}`,
    );
    expect(message?.message).toMatchObject({ title: 'Lead quality of source "webinar" is below 70%', detail: { leads: 6, qualified: 4 } });
  });

  it('an API key rejecting over X% alerts; a key silent for N hours alerts', async () => {
    const key = await createApiKey(handle.db, { department: 'marketing', name: 'Web forms' });
    const sent = await ingestAndApply(handle.db, { apiKeyId: key.id, department: 'marketing' }, [
      { id: 'ok-1', type: 'lead.created', occurredAt: '2026-02-15T00:00:00Z', data: { contactId: 'h1' } },
      { id: 'ok-2', type: 'lead.created', occurredAt: '2026-02-15T00:00:00Z', data: { contactId: 'h2' } },
      { id: 'bad-1', type: 'lead.created', occurredAt: 'yesterday', data: { contactId: 'h3' } },
      { id: 'bad-2', type: 'lead.created', occurredAt: '2026-02-15T00:00:00Z', data: {} },
      { id: 'bad-3', type: 'no.such.type', occurredAt: '2026-02-15T00:00:00Z', data: {} },
    ]);
    expect(sent.rejected).toHaveLength(3);
    const now = new Date();
    const rejections = await createAlertRule(
      handle.db,
      { name: 'Web forms rejections', department: 'admin', kind: 'data_health', params: { check: 'rejections', apiKeyId: key.id, maxShare: 0.5, windowHours: 1, minEvents: 5 } },
      null,
    );
    // 3 of 5 = 0.6 > 0.5.
    expect(await evaluateRule(handle.db, rejections, new Date(now.getTime() + 1000))).toEqual({ changes: 1, queued: 0 });
    const [rejecting] = await rows<{ state: string; detail: { accepted: number; rejected: number } }>(
      handle.db,
      sql`select state, detail from alert_states where rule_id = ${rejections.id}`,
    );
    expect(rejecting).toMatchObject({ state: 'rejecting', detail: { accepted: 2, rejected: 3 } });

    const silent = await createAlertRule(
      handle.db,
      { name: 'Web forms silent', department: 'admin', kind: 'data_health', params: { check: 'silent', apiKeyId: key.id, hours: 2 } },
      null,
    );
    await evaluateRule(handle.db, silent, new Date(now.getTime() + 3_600_000));
    await evaluateRule(handle.db, silent, new Date(now.getTime() + 2 * 3_600_000 + 60_000));
    const [state] = await rows<{ state: string; version: number }>(handle.db, sql`select state, version from alert_states where rule_id = ${silent.id}`);
    expect(state).toEqual({ state: 'silent', version: 2 });
  });
});

describe('what a message may say', () => {
  it('masks money for a department whose role may not see it', async () => {
    const target = await createKpiTarget(
      handle.db,
      { name: 'February revenue', metric: 'won_revenue', periodKind: 'month', periodStart: '2026-02-01', targetValue: 50000, accountable: 'sales', informed: ['service'] },
      null,
    );
    const params = { targetId: target.id, notifyOn: ['on_track', 'at_risk', 'off_track'] as ('on_track' | 'at_risk' | 'off_track')[] };
    const channels = [{ type: 'webhook' as const, url: ok.url, secret }];
    const forService = await createAlertRule(handle.db, { name: 'Revenue (service)', department: 'service', kind: 'kpi_status', params, channels }, null);
    const forSales = await createAlertRule(handle.db, { name: 'Revenue (sales)', department: 'sales', kind: 'kpi_status', params, channels }, null);
    // No deal won in February: $0.00 of $500.00, off track.
    await evaluateRule(handle.db, forService, T3);
    await evaluateRule(handle.db, forSales, T3);
    const messages = await rows<{ rule_id: number; message: { text: string; detail: Record<string, unknown> } }>(
      handle.db,
      sql`select rule_id, message from alert_outbox where rule_id in (${forService.id}, ${forSales.id}) order by rule_id`,
    );
    expect(messages.map((m) => m.message.detail)).toMatchObject([
      { status: 'off_track', actual: { masked: true }, projection: { masked: true }, targetValue: { masked: true } },
      { status: 'off_track', actual: 0, projection: 0, targetValue: 50000 },
    ]);
    expect(messages[0]!.message.text).toBe('Won revenue: masked so far, projected masked against a target of masked for the period to 2026-02-28. Accountable: sales.');
    expect(messages[1]!.message.text).toBe('Won revenue: $0.00 so far, projected $0.00 against a target of $500.00 for the period to 2026-02-28. Accountable: sales.');
  });
});
