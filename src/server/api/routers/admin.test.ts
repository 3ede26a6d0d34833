// The admin procedures over real ingestion: key activity, rejected events, replay with a correction,
// and the audit trail they leave.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '~/server/db/schema';
import { rows, type DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { ev } from '~/server/ingest/factories';
import { ingestAndApply } from '~/server/ingest/ingestAndApply';
import { callerAs, createTestUser } from '../testing';

let handle: DbHandle;
let admin: ReturnType<typeof callerAs>;

beforeAll(async () => {
  handle = await createTestDb();
  admin = callerAs(handle.db, await createTestUser(handle.db, { role: 'admin', email: 'root@example.com' }));
});
afterAll(() => handle.close());

describe('admin ingestion log', () => {
  it('counts accepted and rejected events per key and replays a corrected event', async () => {
    const key = await admin.admin.apiKeys.create({ department: 'marketing', name: 'Web forms' });
    expect(key.key.startsWith('rfk_mar_')).toBe(true);
    const result = await ingestAndApply(handle.db, { apiKeyId: key.id, department: 'marketing' }, [
      ev('lead.created', 1, { contactId: 'c-1', email: 'a@example.com' }, 'e-1'),
      ev('lead.created', 2, { contactId: 'c-2' }, 'e-2'),
      { id: 'e-3', type: 'lead.created', occurredAt: '2026-01-04T00:00:00Z', data: { email: 'no-contact@example.com' } },
    ]);
    expect(result.accepted).toBe(2);
    expect(result.rejected).toHaveLength(1);

    const [activity] = (await admin.admin.apiKeys.list()).filter((k) => k.id === key.id);
    expect(activity).toMatchObject({ name: 'Web forms', department: 'marketing', accepted: 2, rejected: 1, rejectedOpen: 1, revokedAt: null });

    const [rejected] = await admin.admin.ingestion.rejected({ apiKeyId: key.id });
    if (!rejected) throw new Error('no rejected event listed');
    expect(rejected.eventId).toBe('e-3');
    expect(JSON.stringify(rejected.errors)).toContain('contactId');

    const stillWrong = await admin.admin.ingestion.replay({ id: rejected.id });
    expect(stillWrong.status).toBe('invalid');
    const fixed = await admin.admin.ingestion.replay({
      id: rejected.id,
      correctedEvent: { id: 'e-3', type: 'lead.created', occurredAt: '2026-01-04T00:00:00Z', data: { contactId: 'c-3', email: 'no-contact@example.com' } },
    });
    expect(fixed.status).toBe('applied');

    const [after] = (await admin.admin.apiKeys.list()).filter((k) => k.id === key.id);
    expect(after).toMatchObject({ accepted: 3, rejected: 1, rejectedOpen: 0 });
    expect(await admin.admin.ingestion.rejected({ apiKeyId: key.id })).toEqual([]);
    expect(await admin.admin.ingestion.rejected({ apiKeyId: key.id, includeReplayed: true })).toHaveLength(1);

    await admin.admin.apiKeys.revoke({ id: key.id });
    const [revoked] = (await admin.admin.apiKeys.list()).filter((k) => k.id === key.id);
    expect(revoked?.revokedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    const trail = (await admin.admin.audit.list({ limit: 10 })).map((e) => [e.action, e.actorEmail]);
    expect(trail).toEqual([
      ['apiKey.revoke', 'root@example.com'],
      ['ingestion.replay', 'root@example.com'],
      ['ingestion.replay', 'root@example.com'],
      ['apiKey.create', 'root@example.com'],
    ]);
  });

  it('refuses an API key without a name', async () => {
    await expect(admin.admin.apiKeys.create({ department: 'marketing', name: '' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('admin settings', () => {
  it('reads the defaults, saves valid values with an audit row, and refuses invalid ones by field', async () => {
    expect(await admin.admin.settings.get()).toEqual({
      forecastWeeks: 12,
      attributionLookbackDays: 365,
      slas: { leadFollowUpHours: 24, onboardingStartHours: 168, ticketResolutionHours: 48 },
    });
    const saved = await admin.admin.settings.set({ forecastWeeks: 8, attributionLookbackDays: 90 });
    expect(saved).toMatchObject({ forecastWeeks: 8, attributionLookbackDays: 90 });
    expect((await admin.forecast.onboarding({})).weeks).toHaveLength(8);
    const [entry] = await admin.admin.audit.list({ limit: 1 });
    expect(entry).toMatchObject({ action: 'settings.set', actorEmail: 'root@example.com', details: { forecastWeeks: 8, attributionLookbackDays: 90 } });

    await expect(admin.admin.settings.set({ forecastWeeks: 0 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      cause: { issues: [{ path: ['forecastWeeks'], message: 'must be at least 1 week' }] },
    });
    await expect(admin.admin.settings.set({ attributionLookbackDays: 2.5 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await admin.admin.settings.get()).toMatchObject({ forecastWeeks: 8, attributionLookbackDays: 90 });
    await admin.admin.settings.set({ forecastWeeks: 12, attributionLookbackDays: 365 });
  });

  it('recomputes the credits of every won deal when the lookback changes', async () => {
    // Deal o9 (1,000 cents), won on day 60: its lead was created on day 0 (source email), a social
    // touch on day 50. With 365 days the lead creation is the first touch; with 30 days only the
    // social touch (day 50 >= 60 - 30) is left, so first-touch credit moves to social.
    const marketing = await admin.admin.apiKeys.create({ department: 'marketing', name: 'lookback marketing' });
    const sales = await admin.admin.apiKeys.create({ department: 'sales', name: 'lookback sales' });
    await ingestAndApply(handle.db, { apiKeyId: marketing.id, department: 'marketing' }, [
      ev('lead.created', 0, { contactId: 'c9', accountId: 'z9', source: 'email' }, 'lb-1'),
      ev('touch', 50, { contactId: 'c9', channel: 'social', touchType: 'ad' }, 'lb-2'),
    ]);
    await ingestAndApply(handle.db, { apiKeyId: sales.id, department: 'sales' }, [
      ev('opportunity.created', 55, { opportunityId: 'o9', accountId: 'z9', contactId: 'c9', amountCents: 1000, dealType: 'new' }, 'lb-3'),
      ev('opportunity.won', 60, { opportunityId: 'o9' }, 'lb-4'),
    ]);
    const channelOf = async () =>
      (
        await rows<{ channel: string; cents: number }>(
          handle.db,
          sql`select channel, credit_cents::int as cents from attribution_credits where opportunity_id = 'o9' and model = 'first_touch' and credit_cents > 0`,
        )
      ).map((r) => [r.channel, r.cents]);
    expect(await channelOf()).toEqual([['email', 1000]]);
    await admin.admin.settings.set({ attributionLookbackDays: 30 });
    expect(await channelOf()).toEqual([['social', 1000]]);
    await admin.admin.settings.set({ attributionLookbackDays: 365 });
    expect(await channelOf()).toEqual([['email', 1000]]);
  });

  it('is refused to a role without manage', async () => {
    const sales = callerAs(handle.db, await createTestUser(handle.db, { role: 'sales' }));
    await expect(sales.admin.settings.set({ forecastWeeks: 4 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('audit rows live in the transaction of their change', () => {
  it('writes neither the change nor its row when the audit cannot be written', async () => {
    const user = await createTestUser(handle.db, { role: 'viewer', department: 'viewer' });
    await handle.db.execute(sql`alter table audit_log rename to audit_log_away`);
    try {
      await expect(admin.admin.users.update({ id: user.id, department: 'finance' })).rejects.toThrow();
      await expect(admin.admin.settings.set({ forecastWeeks: 5 })).rejects.toThrow();
    } finally {
      await handle.db.execute(sql`alter table audit_log_away rename to audit_log`);
    }
    const [row] = await handle.db.select({ department: users.department }).from(users).where(eq(users.id, user.id));
    expect(row?.department).toBe('viewer');
    expect((await admin.admin.settings.get()).forecastWeeks).toBe(12);
  });

  it('writes no row for a change refused inside it', async () => {
    const before = (await admin.admin.audit.list({ limit: 1000 })).length;
    await expect(admin.admin.users.setDisabled({ id: 999_999, disabled: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(admin.admin.privacy.revokeToken({ id: 999_999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await admin.admin.audit.list({ limit: 1000 })).length).toBe(before);
  });
});
