// The erasure API a privacy tool calls, and the admin procedures behind the same action.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerAs, createTestUser } from '~/server/api/testing';
import { recentAudit } from '~/server/auth/audit';
import type { SessionUser } from '~/server/auth/users';
import { rows, type DbHandle } from '~/server/db/client';
import { createTestDb } from '~/server/db/testing';
import { createApiKey } from '~/server/ingest/apiKeys';
import { ev } from '~/server/ingest/factories';
import { ingestAndApply } from '~/server/ingest/ingestAndApply';
import { handlePrivacyErasure } from './http';

let handle: DbHandle;
let admin: SessionUser;
let ingestKey: string;

beforeAll(async () => {
  handle = await createTestDb();
  admin = await createTestUser(handle.db, { role: 'admin' });
  const key = await createApiKey(handle.db, { department: 'marketing', name: 'CRM' });
  ingestKey = key.key;
  await ingestAndApply(handle.db, { apiKeyId: key.id, department: 'marketing' }, [
    ev('lead.created', 1, { contactId: 'c-1', email: 'one@example.org', name: 'One Person' }),
    ev('lead.created', 1, { contactId: 'c-2', email: 'two@example.org', name: 'Two Person' }),
  ]);
});
afterAll(() => handle.close());

const post = (body: unknown, token?: string) =>
  handlePrivacyErasure(
    new Request('http://test/api/privacy/erasure', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
    { db: handle.db },
  );

const leadEmails = async () => (await rows<{ email: string | null }>(handle.db, sql`select email from leads order by email nulls first`)).map((r) => r.email);

describe('POST /api/privacy/erasure', () => {
  it('refuses callers without a live privacy token, ingestion keys included', async () => {
    expect((await post({ email: 'one@example.org' })).status).toBe(401);
    expect((await post({ email: 'one@example.org' }, ingestKey)).status).toBe(401);
    expect(await leadEmails()).toEqual(['one@example.org', 'two@example.org']);
  });

  it('names the field of a bad request', async () => {
    const { token } = await callerAs(handle.db, admin).admin.privacy.createToken({ name: 'OneTrust' });
    const both = await post({ email: 'one@example.org', contactId: 'c-1' }, token);
    expect(both.status).toBe(400);
    expect(await both.json()).toMatchObject({ errors: [{ path: 'contactId', message: 'give exactly one of contactId and email' }] });
    const badEmail = await post({ email: 'not-an-email' }, token);
    expect(await badEmail.json()).toMatchObject({ errors: [{ path: 'email', message: 'must be an email address' }] });
    expect((await post('{"email":', token)).status).toBe(400);
    expect((await post({ email: 'one@example.org', extra: 1 }, token)).status).toBe(400);
  });

  it('forgets the person, audits the token and reference, and stops working once revoked', async () => {
    const caller = callerAs(handle.db, admin);
    const created = await caller.admin.privacy.createToken({ name: 'Privacy tool' });
    expect(created.token).toMatch(/^rft_privacy_/);
    const response = await post({ email: 'ONE@example.org', reference: 'DSR-7' }, created.token);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ contacts: 1, events: 1, rejected: 0 });
    expect(await leadEmails()).toEqual([null, 'two@example.org']);
    const [entry] = await recentAudit(handle.db, 1);
    expect(entry).toMatchObject({ action: 'privacy.erase', actorId: null, details: { via: 'api', tokenId: created.id, tokenName: 'Privacy tool', reference: 'DSR-7' } });

    await caller.admin.privacy.revokeToken({ id: created.id });
    expect((await post({ contactId: 'c-2' }, created.token)).status).toBe(401);
    const listed = await caller.admin.privacy.tokens();
    expect(listed.find((t) => t.id === created.id)).toMatchObject({ revokedAt: expect.any(Date), lastUsedAt: expect.any(Date) });
  });
});

describe('admin.privacy.erase', () => {
  it('is for admins only', async () => {
    const sales = await createTestUser(handle.db, { role: 'sales' });
    await expect(callerAs(handle.db, sales).admin.privacy.erase({ contactId: 'c-2' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await leadEmails()).toEqual([null, 'two@example.org']);
  });

  it('forgets by contact id for an admin, recorded under their name', async () => {
    const result = await callerAs(handle.db, admin).admin.privacy.erase({ contactId: 'c-2', reference: 'ticket 9' });
    expect(result).toMatchObject({ contacts: 1, events: 1 });
    expect(await leadEmails()).toEqual([null, null]);
    const [entry] = await recentAudit(handle.db, 1);
    expect(entry).toMatchObject({ action: 'privacy.erase', actorId: admin.id, details: { via: 'admin', by: 'contactId', reference: 'ticket 9' } });
  });
});
