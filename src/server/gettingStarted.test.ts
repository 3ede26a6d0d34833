import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { createApiKey } from '~/server/ingest/apiKeys';
import { ingestEvents } from '~/server/ingest/ingest';
import { callerAs, createTestUser } from './api/testing';

let handle: DbHandle;

beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(() => handle.close());

describe('setup.status', () => {
  it('says nothing was ingested on a fresh database, then follows refusals and the first accepted event', async () => {
    const api = callerAs(handle.db, await createTestUser(handle.db, { role: 'viewer' }));
    expect(await api.setup.status()).toEqual({ everIngested: false, anyRejected: false });

    const key = await createApiKey(handle.db, { department: 'marketing', name: 'first' });
    const sender = { apiKeyId: key.id, department: 'marketing' as const };
    const refused = await ingestEvents(handle.db, sender, [{ id: 'e0', type: 'opportunity.won', occurredAt: '2026-01-01T00:00:00Z', data: { opportunityId: 'o1' } }]);
    expect(refused.rejected).toHaveLength(1);
    expect(await api.setup.status()).toEqual({ everIngested: false, anyRejected: true });

    await ingestEvents(handle.db, sender, [{ id: 'e1', type: 'lead.created', occurredAt: '2026-01-01T00:00:00Z', data: { contactId: 'c1' } }]);
    expect(await api.setup.status()).toEqual({ everIngested: true, anyRejected: true });
  });

  it('is refused when signed out', async () => {
    await expect(callerAs(handle.db, null).setup.status()).rejects.toThrow();
  });
});
