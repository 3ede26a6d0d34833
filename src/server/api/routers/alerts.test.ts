import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAlertRule } from '~/server/alerts/rules';
import { startWebhookReceiver, type WebhookReceiver } from '~/server/alerts/testReceivers';
import type { SessionUser } from '~/server/auth/users';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { createApiKey } from '~/server/ingest/apiKeys';
import { createKpiTarget } from '~/server/kpiTargets';
import { callerAs, createTestUser } from '../testing';
import { SECRET_PLACEHOLDER } from './alerts';

let handle: DbHandle;
let hook: WebhookReceiver;
let admin: SessionUser;
let marketing: SessionUser;
let sales: SessionUser;
let viewer: SessionUser;
let marketingTarget: number;
let salesTarget: number;
const secret = 'a-shared-secret-of-32-characters';

async function code(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    return error instanceof TRPCError ? error.code : String(error);
  }
}

beforeAll(async () => {
  handle = await createTestDb();
  hook = await startWebhookReceiver();
  admin = await createTestUser(handle.db, { role: 'admin' });
  marketing = await createTestUser(handle.db, { role: 'marketing' });
  sales = await createTestUser(handle.db, { role: 'sales' });
  viewer = await createTestUser(handle.db, { role: 'viewer', department: 'marketing' });
  const base = { metric: 'leads', periodKind: 'month', periodStart: '2026-02-01', targetValue: 10 } as const;
  marketingTarget = (await createKpiTarget(handle.db, { ...base, name: 'Leads', accountable: 'marketing' }, null)).id;
  salesTarget = (await createKpiTarget(handle.db, { ...base, name: 'Qualified', metric: 'qualified_leads', accountable: 'sales', responsible: ['operations'] }, null)).id;
});

afterAll(async () => {
  await hook.close();
  await handle.close();
});

const kpiRule = (department: string, targetId: number) => ({
  name: `${department} watches ${targetId}`,
  department,
  kind: 'kpi_status' as const,
  params: { targetId },
  channels: [{ type: 'webhook' as const, url: hook.url, secret }],
});

describe('alert rule rights', () => {
  it('a department makes rules on targets it is accountable or responsible for, for itself', async () => {
    expect(await code(callerAs(handle.db, marketing).alerts.create(kpiRule('marketing', marketingTarget)))).toBe('ok');
    expect(await code(callerAs(handle.db, marketing).alerts.create(kpiRule('marketing', salesTarget)))).toBe('FORBIDDEN');
    expect(await code(callerAs(handle.db, marketing).alerts.create(kpiRule('sales', salesTarget)))).toBe('FORBIDDEN');
    expect(await code(callerAs(handle.db, sales).alerts.create(kpiRule('sales', salesTarget)))).toBe('ok');
    expect(await code(callerAs(handle.db, marketing).alerts.create(kpiRule('marketing', 9999)))).toBe('NOT_FOUND');
    expect(await code(callerAs(handle.db, viewer).alerts.create(kpiRule('marketing', marketingTarget)))).toBe('FORBIDDEN');
  });

  it('admins make any rule; only admins watch API keys', async () => {
    const key = await createApiKey(handle.db, { department: 'marketing', name: 'web' });
    const health = { name: 'Web key silent', department: 'marketing', kind: 'data_health' as const, params: { check: 'silent' as const, apiKeyId: key.id, hours: 6 } };
    expect(await code(callerAs(handle.db, marketing).alerts.create(health))).toBe('FORBIDDEN');
    expect(await code(callerAs(handle.db, admin).alerts.create(health))).toBe('ok');
    expect(await code(callerAs(handle.db, admin).alerts.create(kpiRule('operations', salesTarget)))).toBe('ok');
  });

  it('lists a department its own rules and admins all, secrets never shown', async () => {
    const mine = await callerAs(handle.db, marketing).alerts.rules();
    expect(mine.map((r) => r.department)).toEqual(['marketing', 'marketing']);
    expect((await callerAs(handle.db, admin).alerts.rules()).length).toBe(4);
    const channel = mine.find((r) => r.kind === 'kpi_status')!.channels[0]!;
    expect(channel).toMatchObject({ type: 'webhook', secret: SECRET_PLACEHOLDER });
  });

  it('keeps the stored secret when the placeholder comes back, and names bad fields', async () => {
    const rule = (await callerAs(handle.db, marketing).alerts.rules()).find((r) => r.kind === 'kpi_status')!;
    const { id, createdAt: _c, updatedAt: _u, createdBy: _b, ...definition } = rule;
    await callerAs(handle.db, marketing).alerts.update({ id, rule: { ...definition, name: 'Renamed' } });
    const stored = await getAlertRule(handle.db, id);
    expect(stored).toMatchObject({ name: 'Renamed', channels: [{ secret }] });
    const refused = callerAs(handle.db, marketing).alerts.create({ ...kpiRule('marketing', marketingTarget), channels: [{ type: 'webhook', url: 'ftp://x', secret: 'short' }] });
    await expect(refused).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('sends a test through the rule channels and shows it in the delivery log', async () => {
    const rule = (await callerAs(handle.db, marketing).alerts.rules()).find((r) => r.kind === 'kpi_status')!;
    const sent = await callerAs(handle.db, marketing).alerts.sendTest({ id: rule.id });
    expect(sent).toMatchObject([{ status: 'delivered', attempts: 1, title: 'Test of "Renamed"', channel: `webhook ${hook.url}` }]);
    expect(hook.calls).toHaveLength(1);
    const log = await callerAs(handle.db, marketing).alerts.deliveries();
    expect(log.map((d) => d.title)).toEqual(['Test of "Renamed"']);
    expect(await callerAs(handle.db, sales).alerts.deliveries()).toEqual([]);
    expect(await code(callerAs(handle.db, sales).alerts.sendTest({ id: rule.id }))).toBe('FORBIDDEN');
  });

  it('mutes a rule', async () => {
    const rule = (await callerAs(handle.db, marketing).alerts.rules()).find((r) => r.kind === 'kpi_status')!;
    expect(await callerAs(handle.db, marketing).alerts.mute({ id: rule.id, muted: true })).toMatchObject({ muted: true });
  });
});

describe('notes procedures', () => {
  it('a note to marketing rises the bell of marketing users only', async () => {
    await callerAs(handle.db, sales).notes.create({ subjectKind: 'kpi_target', subjectId: String(salesTarget), toDepartment: 'marketing', body: 'Why did these 12 leads wait 3 days?' });
    expect(await callerAs(handle.db, marketing).notes.unread()).toEqual({ unread: 1 });
    expect(await callerAs(handle.db, sales).notes.unread()).toEqual({ unread: 0 });
    const about = await callerAs(handle.db, viewer).notes.about({ subjectKind: 'kpi_target', subjectIds: [String(salesTarget)] });
    expect(about.map((n) => [n.authorDepartment, n.body])).toEqual([['sales', 'Why did these 12 leads wait 3 days?']]);
    await callerAs(handle.db, marketing).notes.markRead();
    expect(await callerAs(handle.db, marketing).notes.unread()).toEqual({ unread: 0 });
  });

  it('refuses a note to an unknown department or target with the field', async () => {
    const unknown = { subjectKind: 'account', subjectId: 'A1', toDepartment: 'nobody', body: 'x' } as unknown as Parameters<
      ReturnType<typeof callerAs>['notes']['create']
    >[0];
    await expect(callerAs(handle.db, sales).notes.create(unknown)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await code(callerAs(handle.db, sales).notes.create({ subjectKind: 'kpi_target', subjectId: '424242', toDepartment: 'sales', body: 'x' }))).toBe('NOT_FOUND');
  });
});
