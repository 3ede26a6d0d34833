// The admin procedures over real ingestion: key activity, rejected events, replay with a correction,
// and the audit trail they leave.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '~/server/db/client';
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
